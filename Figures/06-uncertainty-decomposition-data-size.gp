# 06-uncertainty-decomposition-data-size.gp — written by the course; redraw with: gnuplot 06-uncertainty-decomposition-data-size.gp
if (!exists("outfile")) outfile = '06-uncertainty-decomposition-data-size.png'
set terminal pngcairo size 680,600 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p1_1 << EOD
50 0.240149
200 0.538534
800 0.612793
3200 0.597361
EOD
$p1_2 << EOD
50 0.240149 0.177942 0.302356
200 0.538534 0.524378 0.552689
800 0.612793 0.578751 0.646835
3200 0.597361 0.583795 0.610927
EOD
$p1_3 << EOD
50 0.0770462
200 0.0318252
800 0.00813126
3200 0.00703598
EOD
$p1_4 << EOD
50 0.0770462 0.0587249 0.0953674
200 0.0318252 0.0161754 0.0474751
800 0.00813126 0.00754995 0.00871258
3200 0.00703598 0.00613305 0.00793891
EOD
$p1_5 << EOD
50 0.000827285
200 0.00321177
800 0.00353886
3200 0.0127904
EOD
$p1_6 << EOD
50 0.000827285 0.000578012 0.00107656
200 0.00321177 0.00288932 0.00353421
800 0.00353886 0.00310136 0.00397637
3200 0.0127904 0.0068031 0.0187777
EOD
$p1_7 << EOD
50 0.0770462
200 0.0192615
800 0.00481538
3200 0.00120385
EOD
$p1_8 << EOD
33.3333 0.594343
4800 0.594343
EOD
set title 'More data: less epistemic, the same aleatoric (3 data sets per N)' font ',13'
set xlabel 'training points N'
set ylabel 'mean variance over [−π, π]'
set xrange [33.3333:4800]
set yrange [0.0003:1.5]
set logscale x
set format x '10^{%L}'
set logscale y
set format y '10^{%L}'
unset colorbox
set key below center horizontal
plot \
  $p1_1 using 1:2 with lines lw 2 lc rgb '#0072B2' title 'aleatoric E[σ²]', \
  $p1_2 using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lw 1.5 lc rgb '#0072B2' notitle, \
  $p1_3 using 1:2 with lines lw 2 lc rgb '#D55E00' title 'epistemic Var[μ], bootstrap', \
  $p1_4 using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lw 1.5 lc rgb '#D55E00' notitle, \
  $p1_5 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'epistemic Var[μ], init only', \
  $p1_6 using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lw 1.5 lc rgb '#CC79A7' notitle, \
  $p1_7 using 1:2 with lines lw 1 lc rgb '#E69F00' dt 2 title '∝ 1/N', \
  $p1_8 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'true mean σ²'
