# 04-local-reparameterization-gradient-variance.gp — written by the course; redraw with: gnuplot 04-local-reparameterization-gradient-variance.gp
if (!exists("outfile")) outfile = '04-local-reparameterization-gradient-variance.png'
set terminal pngcairo size 1200,460 enhanced font 'DejaVu Sans,11' background rgb 'white'
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
-1.77127 0
-1.64823 0
-1.52518 1
-1.40213 1
-1.27908 9
-1.15604 18
-1.03299 38
-0.90994 70
-0.786892 111
-0.663844 213
-0.540797 307
-0.417749 557
-0.294701 829
-0.171654 1185
-0.0486059 1554
0.0744418 2100
0.197489 2542
0.320537 3078
0.443585 3218
0.566633 3550
0.68968 3574
0.812728 3418
0.935776 3238
1.05882 2627
1.18187 2232
1.30492 1778
1.42797 1298
1.55101 929
1.67406 566
1.79711 411
1.92016 241
2.04321 149
2.16625 85
2.2893 41
2.41235 15
2.5354 10
2.65844 4
2.78149 2
2.90454 0
3.02759 1
EOD
$p1_2 << EOD
-1.77127 1
-1.64823 0
-1.52518 2
-1.40213 3
-1.27908 9
-1.15604 12
-1.03299 33
-0.90994 59
-0.786892 119
-0.663844 173
-0.540797 375
-0.417749 531
-0.294701 850
-0.171654 1197
-0.0486059 1615
0.0744418 2053
0.197489 2535
0.320537 2967
0.443585 3233
0.566633 3492
0.68968 3467
0.812728 3538
0.935776 3084
1.05882 2815
1.18187 2214
1.30492 1692
1.42797 1393
1.55101 923
1.67406 648
1.79711 424
1.92016 232
2.04321 132
2.16625 85
2.2893 39
2.41235 25
2.5354 21
2.65844 3
2.78149 4
2.90454 1
3.02759 1
EOD
$p1_3 << EOD
-1.77127 1
-1.64823 3
-1.52518 3
-1.40213 3
-1.27908 7
-1.15604 15
-1.03299 31
-0.90994 71
-0.786892 130
-0.663844 211
-0.540797 386
-0.417749 574
-0.294701 818
-0.171654 1183
-0.0486059 1659
0.0744418 2090
0.197489 2581
0.320537 2974
0.443585 3294
0.566633 3479
0.68968 3530
0.812728 3365
0.935776 3129
1.05882 2741
1.18187 2239
1.30492 1722
1.42797 1254
1.55101 936
1.67406 625
1.79711 404
1.92016 258
2.04321 148
2.16625 69
2.2893 35
2.41235 21
2.5354 9
2.65844 1
2.78149 1
2.90454 0
3.02759 0
EOD
$p1_4 << EOD
-1.77127 0
-1.64823 0
-1.52518 2
-1.40213 2
-1.27908 6
-1.15604 18
-1.03299 34
-0.90994 59
-0.786892 111
-0.663844 195
-0.540797 367
-0.417749 523
-0.294701 825
-0.171654 1166
-0.0486059 1602
0.0744418 2117
0.197489 2551
0.320537 3040
0.443585 3345
0.566633 3579
0.68968 3582
0.812728 3341
0.935776 3065
1.05882 2650
1.18187 2232
1.30492 1720
1.42797 1283
1.55101 959
1.67406 647
1.79711 433
1.92016 253
2.04321 124
2.16625 79
2.2893 55
2.41235 19
2.5354 9
2.65844 3
2.78149 1
2.90454 3
3.02759 0
EOD
set title 'One pre-activation, 4 estimators: the same distribution' font ',13'
set xlabel 'pre-activation b_{11}'
set ylabel 'count'
unset colorbox
set key top right
plot \
  $p1_1 using 1:2 with lines lw 1.5 lc rgb '#0072B2' title 'local', \
  $p1_2 using 1:2 with lines lw 1.5 lc rgb '#009E73' title 'Flipout', \
  $p1_3 using 1:2 with lines lw 1.5 lc rgb '#E69F00' title 'per example', \
  $p1_4 using 1:2 with lines lw 1.5 lc rgb '#D55E00' title 'shared'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0 0.979934 0.827371 1.1325
1 1.74278 1.39447 2.0911
2 2.07171 1.76663 2.37678
3 1.65342 1.43153 1.8753
4 4.06629 3.16499 4.96759
EOD
set title 'Gradient variance per estimator, ± 2 standard errors' font ',13'
set xlabel 'estimator'
set ylabel 'mean variance per weight mean (× 10^{-5})'
set xrange [-0.6:4.6]
set yrange [0:5.71273]
set xtics ('means' 0, 'local' 1, 'Flipout' 2, 'per example' 3, 'shared' 4)
unset colorbox
unset key
plot \
  $p2_1 using 1:2:3:4 with yerrorbars pt 7 ps 1.2 lw 1.5 lc rgb '#0072B2' title 'variance ± 2 SE'
unset multiplot
