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
-0.6 0.049365
13.6 0.049365
EOD
$p1_2 << EOD
0 0.459187 0.439431 0.484559
1 1.41715 1.38615 1.44896
2 1.3772 1.34511 1.40892
3 1.38557 1.35379 1.41739
4 1.45767 1.42453 1.48926
5 0.453519 0.433666 0.479405
6 0.392136 0.367097 0.420995
7 0.334289 0.310119 0.363452
8 0.257246 0.232792 0.288776
9 0.368487 0.346346 0.396477
10 0.3721 0.348162 0.40018
11 0.288489 0.27012 0.309494
12 0.401022 0.380983 0.419871
13 0.395928 0.376244 0.41517
EOD
set title 'Regression: mean W2 to HMC over x in [−6, 6] (lower = closer to HMC)' font ',13'
set xlabel ''
set ylabel 'W2 to HMC'
set xrange [-0.6:13.6]
set yrange [0:1.71265]
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
-0.6 0.0115853
13.6 0.0115853
EOD
$p2_2 << EOD
0 0.0810637 0.0765702 0.0852096
1 0.0549146 0.0516904 0.0581111
2 0.203593 0.198344 0.208472
3 0.0562205 0.0527924 0.0594654
4 0.0981009 0.092267 0.103185
5 0.0733798 0.0696407 0.0774848
6 0.073988 0.0700381 0.0784224
7 0.0685797 0.0641892 0.0726616
8 0.0653288 0.0609346 0.0693957
9 0.0802833 0.0758067 0.0844681
10 0.079998 0.0755469 0.084181
11 0.097633 0.0910661 0.103006
12 0.0809874 0.0764956 0.0851368
13 0.0732683 0.0695273 0.077374
EOD
set title 'Two moons: mean total variation to HMC over the grid (lower = closer to HMC)' font ',13'
set xlabel 'MF: mean field (LRT: local reparameterisation) · LA: Laplace, GLM · BLL: Bayesian last layer'
set ylabel 'TV to HMC'
set xrange [-0.6:13.6]
set yrange [0:0.239743]
set xtics ('MAP' 0, 'MF' 1, 'MF LRT' 2, 'MF Flipout' 3, 'dropout' 4, 'ensemble' 5, 'LA diag' 6, 'LA K-FAC' 7, 'LA full' 8, 'LA last' 9, 'BLL' 10, 'SGLD' 11, 'SWAG' 12, 'MultiSWAG' 13)
unset colorbox
set key top right
plot \
  $p2_1 using 1:2 with lines lw 1 lc rgb '#222222' dt 2 title 'HMC against itself: chains 1–2 vs 3–4', \
  $p2_2 using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lw 1.5 lc rgb '#D55E00' title 'distance, 95 % interval over HMC''s draws (200 resamples)'
unset multiplot
