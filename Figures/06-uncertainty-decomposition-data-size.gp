# 06-uncertainty-decomposition-data-size.gp — written by the course; redraw with: gnuplot 06-uncertainty-decomposition-data-size.gp
if (!exists("outfile")) outfile = '06-uncertainty-decomposition-data-size.png'
set terminal pngcairo size 680,480 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
$p1_1 << EOD
50 0.344599
200 0.434337
800 0.618046
EOD
$p1_2 << EOD
50 0.344599
200 0.434337
800 0.618046
EOD
$p1_3 << EOD
50 0.113609
200 0.032144
800 0.0295587
EOD
$p1_4 << EOD
50 0.113609
200 0.032144
800 0.0295587
EOD
$p1_5 << EOD
50 0.00051748
800 0.00236197
EOD
$p1_6 << EOD
50 0.00051748
800 0.00236197
EOD
$p1_7 << EOD
50 0.594343
800 0.594343
EOD
set title 'More data: less epistemic, the same aleatoric' font ',13'
set xlabel 'training points'
set ylabel 'mean variance over [−π, π]'
set logscale x
set format x '10^{%L}'
set logscale y
set format y '10^{%L}'
unset colorbox
set key bottom right
plot \
  $p1_1 using 1:2 with lines lw 2 lc rgb '#0072B2' title 'aleatoric E[σ²]', \
  $p1_2 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' notitle, \
  $p1_3 using 1:2 with lines lw 2 lc rgb '#D55E00' title 'epistemic Var[μ], bootstrap', \
  $p1_4 using 1:2 with points pt 7 ps 1 lc rgb '#D55E00' notitle, \
  $p1_5 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'epistemic Var[μ], init only', \
  $p1_6 using 1:2 with points pt 7 ps 1 lc rgb '#CC79A7' notitle, \
  $p1_7 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'true mean σ²'
