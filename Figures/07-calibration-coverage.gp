# 07-calibration-coverage.gp — written by the course; redraw with: gnuplot 07-calibration-coverage.gp
if (!exists("outfile")) outfile = '07-calibration-coverage.png'
set terminal pngcairo size 640,520 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p1_1 << EOD
0 0
1 1
EOD
$p1_2 << EOD
0.05 0.05075
0.1 0.10175
0.15 0.154
0.2 0.19825
0.25 0.243
0.3 0.28125
0.35 0.331
0.4 0.37875
0.45 0.42625
0.5 0.487
0.55 0.542
0.6 0.58825
0.65 0.6355
0.7 0.68325
0.75 0.73075
0.8 0.7825
0.85 0.83325
0.9 0.8805
0.95 0.93575
0.99 0.9875
EOD
$p1_3 << EOD
0.05 0.0715
0.1 0.14825
0.15 0.21825
0.2 0.28475
0.25 0.35175
0.3 0.4095
0.35 0.46475
0.4 0.50575
0.45 0.5475
0.5 0.593
0.55 0.636
0.6 0.67025
0.65 0.712
0.7 0.74325
0.75 0.781
0.8 0.81325
0.85 0.84825
0.9 0.8805
0.95 0.91975
0.99 0.9655
EOD
$p1_4 << EOD
0.05 0.009
0.1 0.01175
0.15 0.01875
0.2 0.02475
0.25 0.033
0.3 0.04025
0.35 0.04625
0.4 0.0555
0.45 0.06025
0.5 0.06875
0.55 0.07725
0.6 0.085
0.65 0.09375
0.7 0.103
0.75 0.10975
0.8 0.1195
0.85 0.13075
0.9 0.145
0.95 0.16175
0.99 0.19775
EOD
set title 'Regression calibration: coverage of central intervals' font ',13'
set xlabel 'nominal coverage α'
set ylabel 'fraction of test targets inside'
set xrange [0:1]
set yrange [0:1]
unset colorbox
set key top left
plot \
  $p1_1 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration', \
  $p1_2 using 1:2 with lines lw 2 lc rgb '#0072B2' title 'heteroscedastic ensemble', \
  $p1_3 using 1:2 with lines lw 2 lc rgb '#009E73' title 'homoscedastic ensemble', \
  $p1_4 using 1:2 with lines lw 2 lc rgb '#D55E00' title 'spread of means only (note 003)'
