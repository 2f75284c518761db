# 07-calibration-coverage-regions.gp — written by the course; redraw with: gnuplot 07-calibration-coverage-regions.gp
if (!exists("outfile")) outfile = '07-calibration-coverage-regions.png'
set terminal pngcairo size 1120,500 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
set multiplot layout 1,2

# Panel 1
reset
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
0.05 0.0498489
0.1 0.0981873
0.15 0.15005
0.2 0.197885
0.25 0.240181
0.3 0.280463
0.35 0.331319
0.4 0.375126
0.45 0.42145
0.5 0.48137
0.55 0.536254
0.6 0.584592
0.65 0.63142
0.7 0.676737
0.75 0.730614
0.8 0.780463
0.85 0.82427
0.9 0.872608
0.95 0.928499
0.99 0.983384
EOD
$p1_3 << EOD
0.05 0.103726
0.1 0.216012
0.15 0.31571
0.2 0.415408
0.25 0.515106
0.3 0.59718
0.35 0.666163
0.4 0.716516
0.45 0.763343
0.5 0.805639
0.55 0.855488
0.6 0.884189
0.65 0.914904
0.7 0.933031
0.75 0.951158
0.8 0.964753
0.85 0.980363
0.9 0.987915
0.95 0.995972
0.99 1
EOD
$p1_4 << EOD
0.05 0.0156093
0.1 0.0206445
0.15 0.0322256
0.2 0.0417925
0.25 0.0553877
0.3 0.0684794
0.35 0.0790534
0.4 0.0941591
0.45 0.101208
0.5 0.1143
0.55 0.129406
0.6 0.143505
0.65 0.1571
0.7 0.171198
0.75 0.183283
0.8 0.198892
0.85 0.217019
0.9 0.23716
0.95 0.261833
0.99 0.314199
EOD
set title 'Coverage of central intervals, quiet half, x < 0' font ',13'
set xlabel 'nominal coverage α'
set ylabel 'fraction of test targets inside'
set xrange [0:1]
set yrange [0:1]
unset colorbox
set key below center horizontal
plot \
  $p1_1 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration', \
  $p1_2 using 1:2 with lines lw 2 lc rgb '#0072B2' title 'heteroscedastic ensemble', \
  $p1_3 using 1:2 with lines lw 2 lc rgb '#009E73' title 'homoscedastic ensemble', \
  $p1_4 using 1:2 with lines lw 2 lc rgb '#D55E00' title 'spread of means only (note 003)'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0 0
1 1
EOD
$p2_2 << EOD
0.05 0.0516385
0.1 0.105263
0.15 0.157895
0.2 0.19861
0.25 0.24578
0.3 0.282026
0.35 0.330685
0.4 0.382324
0.45 0.430983
0.5 0.492552
0.55 0.547666
0.6 0.591857
0.65 0.639523
0.7 0.689672
0.75 0.730884
0.8 0.784508
0.85 0.842105
0.9 0.888282
0.95 0.9429
0.99 0.991559
EOD
$p2_3 << EOD
0.05 0.0397219
0.1 0.08143
0.15 0.122145
0.2 0.155909
0.25 0.190665
0.3 0.224429
0.35 0.266137
0.4 0.297915
0.45 0.334657
0.5 0.383317
0.55 0.419563
0.6 0.459285
0.65 0.511917
0.7 0.556107
0.75 0.613208
0.8 0.663853
0.85 0.717974
0.9 0.774578
0.95 0.844588
0.99 0.93148
EOD
$p2_4 << EOD
0.05 0.00248262
0.1 0.00297915
0.15 0.00546177
0.2 0.00794439
0.25 0.0109235
0.3 0.0124131
0.35 0.0139027
0.4 0.0173784
0.45 0.019861
0.5 0.0238332
0.55 0.0258193
0.6 0.0273088
0.65 0.031281
0.7 0.0357498
0.75 0.0372393
0.8 0.0412115
0.85 0.0456802
0.9 0.0541212
0.95 0.0630586
0.99 0.0829196
EOD
set title 'Coverage of central intervals, noisy half, x > 0' font ',13'
set xlabel 'nominal coverage α'
set ylabel 'fraction of test targets inside'
set xrange [0:1]
set yrange [0:1]
unset colorbox
set key below center horizontal
plot \
  $p2_1 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration', \
  $p2_2 using 1:2 with lines lw 2 lc rgb '#0072B2' title 'heteroscedastic ensemble', \
  $p2_3 using 1:2 with lines lw 2 lc rgb '#009E73' title 'homoscedastic ensemble', \
  $p2_4 using 1:2 with lines lw 2 lc rgb '#D55E00' title 'spread of means only (note 003)'
unset multiplot
