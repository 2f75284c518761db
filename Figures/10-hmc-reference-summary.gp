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
-0.6 0.059748
13.6 0.059748
EOD
$p1_2 << EOD
0 0.449914 0.4318 0.468113
1 1.4052 1.37924 1.43568
2 1.36429 1.33849 1.39437
3 1.37301 1.34708 1.40336
4 1.44376 1.41905 1.47402
5 0.438526 0.420198 0.457576
6 0.393258 0.373134 0.413425
7 0.33462 0.314802 0.356234
8 0.276934 0.253776 0.302039
9 0.365244 0.34581 0.385984
10 0.363764 0.345529 0.385062
11 0.269452 0.252573 0.290187
12 0.376857 0.358803 0.401618
13 0.373747 0.354262 0.393683
EOD
set title 'Regression: mean W2 to HMC over x in [−6, 6] (lower = closer to HMC)' font ',13'
set xlabel ''
set ylabel 'W2 to HMC'
set xrange [-0.6:13.6]
set yrange [0:1.69512]
set xtics ('MAP' 0, 'MF' 1, 'MF LRT' 2, 'MF Flipout' 3, 'dropout' 4, 'ensemble' 5, 'LA diag' 6, 'LA K-FAC' 7, 'LA full' 8, 'LA last' 9, 'BLL' 10, 'SGLD' 11, 'SWAG' 12, 'MultiSWAG' 13)
unset colorbox
set key top right
plot \
  $p1_1 using 1:2 with lines lw 1 lc rgb '#222222' dt 2 title 'HMC against itself: chains 1–2 vs 3–4', \
  $p1_2 using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lw 1.5 lc rgb '#0072B2' title 'distance, 95 % interval over HMC''s draws (200 resamples)'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
-0.6 0.010377
13.6 0.010377
EOD
$p2_2 << EOD
0 0.0870688 0.0830819 0.0916517
1 0.0593769 0.0560564 0.0640794
2 0.203586 0.198354 0.209242
3 0.0606113 0.0570209 0.0655391
4 0.103593 0.0991504 0.108615
5 0.0789698 0.0753743 0.083163
6 0.0791069 0.0756177 0.0843336
7 0.0748186 0.070886 0.0797275
8 0.0716132 0.0677311 0.0765019
9 0.0862782 0.0822987 0.0908603
10 0.0859927 0.0819834 0.090629
11 0.103702 0.0990215 0.108815
12 0.086992 0.0830038 0.0915749
13 0.0788582 0.0752595 0.0830521
EOD
set title 'Two moons: mean total variation to HMC over the grid (lower = closer to HMC)' font ',13'
set xlabel 'MF: mean field (LRT: local reparameterisation) · LA: Laplace, GLM · BLL: Bayesian last layer'
set ylabel 'TV to HMC'
set xrange [-0.6:13.6]
set yrange [0:0.240629]
set xtics ('MAP' 0, 'MF' 1, 'MF LRT' 2, 'MF Flipout' 3, 'dropout' 4, 'ensemble' 5, 'LA diag' 6, 'LA K-FAC' 7, 'LA full' 8, 'LA last' 9, 'BLL' 10, 'SGLD' 11, 'SWAG' 12, 'MultiSWAG' 13)
unset colorbox
set key top right
plot \
  $p2_1 using 1:2 with lines lw 1 lc rgb '#222222' dt 2 title 'HMC against itself: chains 1–2 vs 3–4', \
  $p2_2 using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lw 1.5 lc rgb '#D55E00' title 'distance, 95 % interval over HMC''s draws (200 resamples)'
unset multiplot
