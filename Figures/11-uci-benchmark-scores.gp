# 11-uci-benchmark-scores.gp — written by the course; redraw with: gnuplot 11-uci-benchmark-scores.gp
if (!exists("outfile")) outfile = '11-uci-benchmark-scores.png'
set terminal pngcairo size 1280,800 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
set multiplot layout 2,2

# Panel 1
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p1_1 << EOD
-0.08 2.77067
-0.08 3.13553
EOD
$p1_2 << EOD
0.92 2.75104
0.92 3.1114
EOD
$p1_3 << EOD
1.92 2.95989
1.92 3.43142
EOD
$p1_4 << EOD
2.92 2.95989
2.92 3.43142
EOD
$p1_5 << EOD
3.92 3.88874
3.92 5.17672
EOD
$p1_6 << EOD
4.92 3.04813
4.92 3.41026
EOD
$p1_7 << EOD
5.92 2.91692
5.92 3.30207
EOD
$p1_8 << EOD
-0.08 2.9531
0.92 2.93122
1.92 3.19565
2.92 3.19565
3.92 4.53273
4.92 3.2292
5.92 3.10949
EOD
$p1_9 << EOD
0.08 2.78
0.08 3.16
EOD
$p1_10 << EOD
3.08 3.05639
3.08 3.50361
EOD
$p1_11 << EOD
0.08 2.97
3.08 3.28
EOD
set title 'Boston: test RMSE (lower is better)' font ',13'
set xlabel 'dropout (Gal, ours) · ensemble (mixture, Gaussian)'
set ylabel 'RMSE ($1000s)'
set xrange [-0.6:6.6]
set yrange [2.50847:5.66185]
set xtics ('Gal' 0, 'ours' 1, 'mixture' 2, 'Gaussian' 3, 'BBB' 4, 'LA' 5, 'BLL' 6)
unset colorbox
set key top right
plot \
  $p1_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_2 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_3 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_4 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_5 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_6 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_7 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_8 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' title 'ours, ± 1 se', \
  $p1_9 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p1_10 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p1_11 using 1:2 with points pt 7 ps 1 lc rgb '#222222' title 'published, ± 1 se (ensemble: its sd / √20)'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
-0.08 -2.54687
-0.08 -2.44509
EOD
$p2_2 << EOD
0.92 -2.57519
0.92 -2.46671
EOD
$p2_3 << EOD
1.92 -2.38071
1.92 -2.29436
EOD
$p2_4 << EOD
2.92 -2.40486
2.92 -2.31725
EOD
$p2_5 << EOD
3.92 -2.87747
3.92 -2.77682
EOD
$p2_6 << EOD
4.92 -2.80677
4.92 -2.58435
EOD
$p2_7 << EOD
5.92 -2.8824
5.92 -2.58711
EOD
$p2_8 << EOD
-0.08 -2.49598
0.92 -2.52095
1.92 -2.33754
2.92 -2.36105
3.92 -2.82714
4.92 -2.69556
5.92 -2.73476
EOD
$p2_9 << EOD
0.08 -2.52
0.08 -2.4
EOD
$p2_10 << EOD
3.08 -2.4659
3.08 -2.3541
EOD
$p2_11 << EOD
0.08 -2.46
3.08 -2.41
EOD
set title 'Boston: test log-likelihood (higher is better)' font ',13'
set xlabel 'dropout (Gal, ours) · ensemble (mixture, Gaussian)'
set ylabel 'log-likelihood (nats per point)'
set xrange [-0.6:6.6]
set yrange [-2.94121:-2.17675]
set xtics ('Gal' 0, 'ours' 1, 'mixture' 2, 'Gaussian' 3, 'BBB' 4, 'LA' 5, 'BLL' 6)
unset colorbox
set key top right
plot \
  $p2_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_2 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_3 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_4 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_5 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_6 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_7 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_8 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' title 'ours, ± 1 se', \
  $p2_9 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p2_10 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p2_11 using 1:2 with points pt 7 ps 1 lc rgb '#222222' title 'published, ± 1 se (ensemble: its sd / √20)'

# Panel 3
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p3_1 << EOD
-0.08 4.99132
-0.08 5.2028
EOD
$p3_2 << EOD
0.92 5.62974
0.92 5.91983
EOD
$p3_3 << EOD
1.92 5.4338
1.92 5.69637
EOD
$p3_4 << EOD
2.92 5.4338
2.92 5.69637
EOD
$p3_5 << EOD
3.92 6.05511
3.92 6.30927
EOD
$p3_6 << EOD
4.92 5.61275
4.92 5.90604
EOD
$p3_7 << EOD
5.92 5.34574
5.92 5.60241
EOD
$p3_8 << EOD
-0.08 5.09706
0.92 5.77479
1.92 5.56509
2.92 5.56509
3.92 6.18219
4.92 5.7594
5.92 5.47408
EOD
$p3_9 << EOD
0.08 5.11
0.08 5.35
EOD
$p3_10 << EOD
3.08 5.90031
3.08 6.15969
EOD
$p3_11 << EOD
0.08 5.23
3.08 6.03
EOD
set title 'Concrete: test RMSE (lower is better)' font ',13'
set xlabel 'dropout (Gal, ours) · ensemble (mixture, Gaussian)'
set ylabel 'RMSE (MPa)'
set xrange [-0.6:6.6]
set yrange [4.85953:6.57286]
set xtics ('Gal' 0, 'ours' 1, 'mixture' 2, 'Gaussian' 3, 'BBB' 4, 'LA' 5, 'BLL' 6)
unset colorbox
set key top right
plot \
  $p3_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_2 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_3 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_4 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_5 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_6 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_7 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_8 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' title 'ours, ± 1 se', \
  $p3_9 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p3_10 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p3_11 using 1:2 with points pt 7 ps 1 lc rgb '#222222' title 'published, ± 1 se (ensemble: its sd / √20)'

# Panel 4
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p4_1 << EOD
-0.08 -3.05599
-0.08 -3.02223
EOD
$p4_2 << EOD
0.92 -3.19773
0.92 -3.14419
EOD
$p4_3 << EOD
1.92 -3.03457
1.92 -2.98968
EOD
$p4_4 << EOD
2.92 -3.04571
2.92 -2.99897
EOD
$p4_5 << EOD
3.92 -3.179
3.92 -3.15127
EOD
$p4_6 << EOD
4.92 -3.2488
4.92 -3.17598
EOD
$p4_7 << EOD
5.92 -3.24871
5.92 -3.16188
EOD
$p4_8 << EOD
-0.08 -3.03911
0.92 -3.17096
1.92 -3.01213
2.92 -3.02234
3.92 -3.16514
4.92 -3.21239
5.92 -3.2053
EOD
$p4_9 << EOD
0.08 -3.06
0.08 -3.02
EOD
$p4_10 << EOD
3.08 -3.10025
3.08 -3.01975
EOD
$p4_11 << EOD
0.08 -3.04
3.08 -3.06
EOD
set title 'Concrete: test log-likelihood (higher is better)' font ',13'
set xlabel 'dropout (Gal, ours) · ensemble (mixture, Gaussian)'
set ylabel 'log-likelihood (nats per point)'
set xrange [-0.6:6.6]
set yrange [-3.27471:-2.93786]
set xtics ('Gal' 0, 'ours' 1, 'mixture' 2, 'Gaussian' 3, 'BBB' 4, 'LA' 5, 'BLL' 6)
unset colorbox
set key top right
plot \
  $p4_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_2 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_3 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_4 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_5 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_6 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_7 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_8 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' title 'ours, ± 1 se', \
  $p4_9 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p4_10 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p4_11 using 1:2 with points pt 7 ps 1 lc rgb '#222222' title 'published, ± 1 se (ensemble: its sd / √20)'
unset multiplot
