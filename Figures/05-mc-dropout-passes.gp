# 05-mc-dropout-passes.gp — written by the course; redraw with: gnuplot 05-mc-dropout-passes.gp
if (!exists("outfile")) outfile = '05-mc-dropout-passes.png'
set terminal pngcairo size 700,480 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p1_1 << EOD
1 0.051729
2 0.0365871
5 0.023157
10 0.0163949
20 0.0116217
50 0.00740462
100 0.00529932
200 0.00383537
500 0.0025858
EOD
$p1_2 << EOD
1 0.0473242
2 0.0386248
5 0.0254329
10 0.0161133
20 0.0107235
50 0.00704683
100 0.00535626
200 0.0038941
500 0.00273914
EOD
set title 'MC dropout: error of the T-pass predictive' font ',13'
set xlabel 'passes T'
set ylabel 'RMS error of p(class 1) vs T_{ref} = 2000'
set logscale x
set format x '10^{%L}'
set logscale y
set format y '10^{%L}'
unset colorbox
set key top right
plot \
  $p1_1 using 1:2 with lines lw 2 lc rgb '#999999' title '√(Var/T + Var/T_{ref})', \
  $p1_2 using 1:2 with points pt 7 ps 1.2 lc rgb '#0072B2' title 'measured'
