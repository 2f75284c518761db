# 11-uci-benchmark-scores.gp — written by the course; redraw with: gnuplot 11-uci-benchmark-scores.gp
if (!exists("outfile")) outfile = '11-uci-benchmark-scores.png'
set terminal pngcairo size 1120,760 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
set multiplot layout 2,2

# Panel 1
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
$p1_1 << EOD
-0.08 2.75104
-0.08 3.1114
EOD
$p1_2 << EOD
0.92 2.95989
0.92 3.43142
EOD
$p1_3 << EOD
1.92 3.88874
1.92 5.17672
EOD
$p1_4 << EOD
2.92 3.04813
2.92 3.41026
EOD
$p1_5 << EOD
3.92 2.91692
3.92 3.30207
EOD
$p1_6 << EOD
-0.08 2.93122
0.92 3.19565
1.92 4.53273
2.92 3.2292
3.92 3.10949
EOD
$p1_7 << EOD
0.08 2.78
0.08 3.16
EOD
$p1_8 << EOD
1.08 2.28
1.08 4.28
EOD
$p1_9 << EOD
0.08 2.97
1.08 3.28
EOD
set title 'Boston: test RMSE (lower is better)' font ',13'
set xlabel ''
set ylabel 'RMSE'
set xrange [-0.6:4.6]
set yrange [1.99033:5.75606]
set xtics ('dropout' 0, 'ensemble' 1, 'BBB' 2, 'LA last' 3, 'BLL' 4)
unset colorbox
set key top right
plot \
  $p1_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_2 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_3 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_4 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_5 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_6 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' title 'ours, ± 1 se', \
  $p1_7 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p1_8 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p1_9 using 1:2 with points pt 7 ps 1 lc rgb '#222222' title 'published, ± 1 se'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
$p2_1 << EOD
-0.08 -2.57519
-0.08 -2.46671
EOD
$p2_2 << EOD
0.92 -2.38071
0.92 -2.29436
EOD
$p2_3 << EOD
1.92 -2.87747
1.92 -2.77682
EOD
$p2_4 << EOD
2.92 -2.80677
2.92 -2.58435
EOD
$p2_5 << EOD
3.92 -2.8824
3.92 -2.58711
EOD
$p2_6 << EOD
-0.08 -2.52095
0.92 -2.33754
1.92 -2.82714
2.92 -2.69556
3.92 -2.73476
EOD
$p2_7 << EOD
0.08 -2.52
0.08 -2.4
EOD
$p2_8 << EOD
1.08 -2.66
1.08 -2.16
EOD
$p2_9 << EOD
0.08 -2.46
1.08 -2.41
EOD
set title 'Boston: test log-likelihood (higher is better)' font ',13'
set xlabel ''
set ylabel 'log-lik. per point'
set xrange [-0.6:4.6]
set yrange [-2.95464:-2.01552]
set xtics ('dropout' 0, 'ensemble' 1, 'BBB' 2, 'LA last' 3, 'BLL' 4)
unset colorbox
set key top right
plot \
  $p2_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_2 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_3 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_4 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_5 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p2_6 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' title 'ours, ± 1 se', \
  $p2_7 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p2_8 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p2_9 using 1:2 with points pt 7 ps 1 lc rgb '#222222' title 'published, ± 1 se'

# Panel 3
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
$p3_1 << EOD
-0.08 5.62974
-0.08 5.91983
EOD
$p3_2 << EOD
0.92 5.4338
0.92 5.69637
EOD
$p3_3 << EOD
1.92 6.05511
1.92 6.30927
EOD
$p3_4 << EOD
2.92 5.61275
2.92 5.90604
EOD
$p3_5 << EOD
3.92 5.34574
3.92 5.60241
EOD
$p3_6 << EOD
-0.08 5.77479
0.92 5.56509
1.92 6.18219
2.92 5.7594
3.92 5.47408
EOD
$p3_7 << EOD
0.08 5.11
0.08 5.35
EOD
$p3_8 << EOD
1.08 5.45
1.08 6.61
EOD
$p3_9 << EOD
0.08 5.23
1.08 6.03
EOD
set title 'Concrete: test RMSE (lower is better)' font ',13'
set xlabel ''
set ylabel 'RMSE'
set xrange [-0.6:4.6]
set yrange [4.96:6.91]
set xtics ('dropout' 0, 'ensemble' 1, 'BBB' 2, 'LA last' 3, 'BLL' 4)
unset colorbox
set key top right
plot \
  $p3_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_2 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_3 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_4 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_5 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p3_6 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' title 'ours, ± 1 se', \
  $p3_7 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p3_8 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p3_9 using 1:2 with points pt 7 ps 1 lc rgb '#222222' title 'published, ± 1 se'

# Panel 4
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
$p4_1 << EOD
-0.08 -3.19773
-0.08 -3.14419
EOD
$p4_2 << EOD
0.92 -3.03457
0.92 -2.98968
EOD
$p4_3 << EOD
1.92 -3.179
1.92 -3.15127
EOD
$p4_4 << EOD
2.92 -3.2488
2.92 -3.17598
EOD
$p4_5 << EOD
3.92 -3.24871
3.92 -3.16188
EOD
$p4_6 << EOD
-0.08 -3.17096
0.92 -3.01213
1.92 -3.16514
2.92 -3.21239
3.92 -3.2053
EOD
$p4_7 << EOD
0.08 -3.06
0.08 -3.02
EOD
$p4_8 << EOD
1.08 -3.24
1.08 -2.88
EOD
$p4_9 << EOD
0.08 -3.04
1.08 -3.06
EOD
set title 'Concrete: test log-likelihood (higher is better)' font ',13'
set xlabel ''
set ylabel 'log-lik. per point'
set xrange [-0.6:4.6]
set yrange [-3.28568:-2.80624]
set xtics ('dropout' 0, 'ensemble' 1, 'BBB' 2, 'LA last' 3, 'BLL' 4)
unset colorbox
set key top right
plot \
  $p4_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_2 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_3 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_4 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_5 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p4_6 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' title 'ours, ± 1 se', \
  $p4_7 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p4_8 using 1:2 with lines lw 2 lc rgb '#222222' notitle, \
  $p4_9 using 1:2 with points pt 7 ps 1 lc rgb '#222222' title 'published, ± 1 se'
unset multiplot
