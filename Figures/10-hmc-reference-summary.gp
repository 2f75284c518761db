# 10-hmc-reference-summary.gp — written by the course; redraw with: gnuplot 10-hmc-reference-summary.gp
if (!exists("outfile")) outfile = '10-hmc-reference-summary.png'
set terminal pngcairo size 1100,760 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
set multiplot layout 2,1

# Panel 1
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p1_1 << EOD
0 0.449914
1 1.4052
2 1.36429
3 1.37301
4 1.44376
5 0.438526
6 0.393258
7 0.33462
8 0.276934
9 0.365244
10 0.363764
11 0.269452
12 0.376857
13 0.373747
EOD
set title 'Regression: mean W2 to HMC over x in [−6, 6]' font ',13'
set xlabel ''
set ylabel 'W2 (lower = closer to HMC)'
set xrange [-0.6:13.6]
set yrange [0:1.58813]
set xtics ('MAP' 0, 'MF' 1, 'MF LRT' 2, 'MF Flipout' 3, 'dropout' 4, 'ensemble' 5, 'LA diag' 6, 'LA K-FAC' 7, 'LA full' 8, 'LA last' 9, 'BLL' 10, 'SGLD' 11, 'SWAG' 12, 'MultiSWAG' 13)
unset colorbox
unset key
plot \
  $p1_1 using 1:2:(0.63) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0 0.0870688
1 0.0593769
2 0.203586
3 0.0606113
4 0.103593
5 0.0789698
6 0.0791069
7 0.0748186
8 0.0716132
9 0.0862782
10 0.0859927
11 0.103702
12 0.086992
13 0.0788582
EOD
set title 'Two moons: mean total variation to HMC over the grid' font ',13'
set xlabel 'MF: mean field (LRT: local reparameterisation) · LA: Laplace, GLM · BLL: Bayesian last layer'
set ylabel 'TV (lower = closer to HMC)'
set xrange [-0.6:13.6]
set yrange [0:0.223945]
set xtics ('MAP' 0, 'MF' 1, 'MF LRT' 2, 'MF Flipout' 3, 'dropout' 4, 'ensemble' 5, 'LA diag' 6, 'LA K-FAC' 7, 'LA full' 8, 'LA last' 9, 'BLL' 10, 'SGLD' 11, 'SWAG' 12, 'MultiSWAG' 13)
unset colorbox
unset key
plot \
  $p2_1 using 1:2:(0.63) with boxes lc rgb '#D55E00' fs solid 0.6 noborder notitle
unset multiplot
