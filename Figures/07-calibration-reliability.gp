# 07-calibration-reliability.gp — written by the course; redraw with: gnuplot 07-calibration-reliability.gp
if (!exists("outfile")) outfile = '07-calibration-reliability.png'
set terminal pngcairo size 1760,1400 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
set multiplot layout 4,4 title 'Digits test set, first seed — blue bars: accuracy per bin; vermillion: gap to the bin''s mean confidence; dashed: perfect calibration' font ',14'

# Panel 1
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p1_1 << EOD
0.3 0
EOD
$p1_2 << EOD
0.3 0
0.3 0.307586
EOD
$p1_3 << EOD
0.366667 0
EOD
$p1_4 << EOD
0.366667 0
0.366667 0.34088
EOD
$p1_5 << EOD
0.433333 0
EOD
$p1_6 << EOD
0.433333 0
0.433333 0.447383
EOD
$p1_7 << EOD
0.5 0.5
EOD
$p1_8 << EOD
0.5 0.5
0.5 0.526744
EOD
$p1_9 << EOD
0.566667 0.5
EOD
$p1_10 << EOD
0.566667 0.5
0.566667 0.567564
EOD
$p1_11 << EOD
0.633333 1
EOD
$p1_12 << EOD
0.633333 1
0.633333 0.622707
EOD
$p1_13 << EOD
0.7 0.714286
EOD
$p1_14 << EOD
0.7 0.714286
0.7 0.705712
EOD
$p1_15 << EOD
0.766667 0.714286
EOD
$p1_16 << EOD
0.766667 0.714286
0.766667 0.765093
EOD
$p1_17 << EOD
0.833333 1
EOD
$p1_18 << EOD
0.833333 1
0.833333 0.838078
EOD
$p1_19 << EOD
0.9 0.818182
EOD
$p1_20 << EOD
0.9 0.818182
0.9 0.913407
EOD
$p1_21 << EOD
0.966667 0.996845
EOD
$p1_22 << EOD
0.966667 0.996845
0.966667 0.993469
EOD
$p1_23 << EOD
0 0
1 1
EOD
set title 'MAP network: ECE 0.018' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p1_1 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p1_2 using 1:2 with lines lw 2.5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p1_3 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_4 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_5 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_6 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_7 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_8 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_9 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_10 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_11 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_12 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_13 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_14 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_15 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_16 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_17 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_18 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_19 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_20 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_21 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_22 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p1_23 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0.366667 1
EOD
$p2_2 << EOD
0.366667 1
0.366667 0.379429
EOD
$p2_3 << EOD
0.433333 0
EOD
$p2_4 << EOD
0.433333 0
0.433333 0.424063
EOD
$p2_5 << EOD
0.5 0.333333
EOD
$p2_6 << EOD
0.5 0.333333
0.5 0.496378
EOD
$p2_7 << EOD
0.566667 1
EOD
$p2_8 << EOD
0.566667 1
0.566667 0.564973
EOD
$p2_9 << EOD
0.633333 0.666667
EOD
$p2_10 << EOD
0.633333 0.666667
0.633333 0.632601
EOD
$p2_11 << EOD
0.7 0.833333
EOD
$p2_12 << EOD
0.7 0.833333
0.7 0.703056
EOD
$p2_13 << EOD
0.766667 0.909091
EOD
$p2_14 << EOD
0.766667 0.909091
0.766667 0.774037
EOD
$p2_15 << EOD
0.833333 1
EOD
$p2_16 << EOD
0.833333 1
0.833333 0.828244
EOD
$p2_17 << EOD
0.9 1
EOD
$p2_18 << EOD
0.9 1
0.9 0.904613
EOD
$p2_19 << EOD
0.966667 1
EOD
$p2_20 << EOD
0.966667 1
0.966667 0.983899
EOD
$p2_21 << EOD
0 0
1 1
EOD
set title 'MC dropout: ECE 0.04' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p2_1 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p2_2 using 1:2 with lines lw 2.5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p2_3 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_4 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_5 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_6 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_7 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_8 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_9 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_10 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_11 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_12 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_13 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_14 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_15 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_16 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_17 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_18 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_19 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p2_20 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p2_21 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration'

# Panel 3
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p3_1 << EOD
0.366667 0
EOD
$p3_2 << EOD
0.366667 0
0.366667 0.367795
EOD
$p3_3 << EOD
0.433333 0
EOD
$p3_4 << EOD
0.433333 0
0.433333 0.446977
EOD
$p3_5 << EOD
0.5 0.666667
EOD
$p3_6 << EOD
0.5 0.666667
0.5 0.521527
EOD
$p3_7 << EOD
0.566667 0.714286
EOD
$p3_8 << EOD
0.566667 0.714286
0.566667 0.558169
EOD
$p3_9 << EOD
0.633333 0.666667
EOD
$p3_10 << EOD
0.633333 0.666667
0.633333 0.640817
EOD
$p3_11 << EOD
0.7 1
EOD
$p3_12 << EOD
0.7 1
0.7 0.673448
EOD
$p3_13 << EOD
0.766667 0.666667
EOD
$p3_14 << EOD
0.766667 0.666667
0.766667 0.757652
EOD
$p3_15 << EOD
0.833333 1
EOD
$p3_16 << EOD
0.833333 1
0.833333 0.836665
EOD
$p3_17 << EOD
0.9 0.9
EOD
$p3_18 << EOD
0.9 0.9
0.9 0.907659
EOD
$p3_19 << EOD
0.966667 0.996825
EOD
$p3_20 << EOD
0.966667 0.996825
0.966667 0.993343
EOD
$p3_21 << EOD
0 0
1 1
EOD
set title 'deep ensemble: ECE 0.018' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p3_1 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p3_2 using 1:2 with lines lw 2.5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p3_3 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_4 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_5 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_6 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_7 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_8 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_9 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_10 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_11 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_12 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_13 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_14 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_15 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_16 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_17 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_18 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_19 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p3_20 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p3_21 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration'

# Panel 4
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p4_1 << EOD
0.3 0.333333
EOD
$p4_2 << EOD
0.3 0.333333
0.3 0.318971
EOD
$p4_3 << EOD
0.366667 1
EOD
$p4_4 << EOD
0.366667 1
0.366667 0.385572
EOD
$p4_5 << EOD
0.433333 0.5
EOD
$p4_6 << EOD
0.433333 0.5
0.433333 0.436188
EOD
$p4_7 << EOD
0.5 0.625
EOD
$p4_8 << EOD
0.5 0.625
0.5 0.506924
EOD
$p4_9 << EOD
0.566667 0.75
EOD
$p4_10 << EOD
0.566667 0.75
0.566667 0.57266
EOD
$p4_11 << EOD
0.633333 0.9
EOD
$p4_12 << EOD
0.633333 0.9
0.633333 0.629924
EOD
$p4_13 << EOD
0.7 0.909091
EOD
$p4_14 << EOD
0.7 0.909091
0.7 0.710741
EOD
$p4_15 << EOD
0.766667 0.956522
EOD
$p4_16 << EOD
0.766667 0.956522
0.766667 0.775423
EOD
$p4_17 << EOD
0.833333 1
EOD
$p4_18 << EOD
0.833333 1
0.833333 0.83496
EOD
$p4_19 << EOD
0.9 1
EOD
$p4_20 << EOD
0.9 1
0.9 0.904721
EOD
$p4_21 << EOD
0.966667 1
EOD
$p4_22 << EOD
0.966667 1
0.966667 0.979219
EOD
$p4_23 << EOD
0 0
1 1
EOD
set title 'Bayes by Backprop: ECE 0.079' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p4_1 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p4_2 using 1:2 with lines lw 2.5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p4_3 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_4 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_5 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_6 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_7 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_8 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_9 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_10 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_11 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_12 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_13 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_14 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_15 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_16 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_17 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_18 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_19 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_20 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_21 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p4_22 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p4_23 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration'

# Panel 5
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p5_1 << EOD
0.3 0
EOD
$p5_2 << EOD
0.3 0
0.3 0.306359
EOD
$p5_3 << EOD
0.366667 0
EOD
$p5_4 << EOD
0.366667 0
0.366667 0.339047
EOD
$p5_5 << EOD
0.433333 0
EOD
$p5_6 << EOD
0.433333 0
0.433333 0.443969
EOD
$p5_7 << EOD
0.5 0.5
EOD
$p5_8 << EOD
0.5 0.5
0.5 0.52408
EOD
$p5_9 << EOD
0.566667 0.5
EOD
$p5_10 << EOD
0.566667 0.5
0.566667 0.562843
EOD
$p5_11 << EOD
0.633333 1
EOD
$p5_12 << EOD
0.633333 1
0.633333 0.619835
EOD
$p5_13 << EOD
0.7 0.75
EOD
$p5_14 << EOD
0.7 0.75
0.7 0.705738
EOD
$p5_15 << EOD
0.766667 0.666667
EOD
$p5_16 << EOD
0.766667 0.666667
0.766667 0.766249
EOD
$p5_17 << EOD
0.833333 1
EOD
$p5_18 << EOD
0.833333 1
0.833333 0.834023
EOD
$p5_19 << EOD
0.9 0.818182
EOD
$p5_20 << EOD
0.9 0.818182
0.9 0.910035
EOD
$p5_21 << EOD
0.966667 0.996845
EOD
$p5_22 << EOD
0.966667 0.996845
0.966667 0.993054
EOD
$p5_23 << EOD
0 0
1 1
EOD
set title 'MAP network, T = 1.01: ECE 0.019' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p5_1 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p5_2 using 1:2 with lines lw 2.5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p5_3 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_4 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_5 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_6 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_7 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_8 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_9 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_10 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_11 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_12 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_13 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_14 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_15 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_16 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_17 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_18 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_19 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_20 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_21 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p5_22 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p5_23 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration'

# Panel 6
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p6_1 << EOD
0.433333 1
EOD
$p6_2 << EOD
0.433333 1
0.433333 0.463664
EOD
$p6_3 << EOD
0.5 0
EOD
$p6_4 << EOD
0.5 0
0.5 0.51175
EOD
$p6_5 << EOD
0.566667 1
EOD
$p6_6 << EOD
0.566667 1
0.566667 0.588052
EOD
$p6_7 << EOD
0.633333 0.5
EOD
$p6_8 << EOD
0.633333 0.5
0.633333 0.624267
EOD
$p6_9 << EOD
0.7 1
EOD
$p6_10 << EOD
0.7 1
0.7 0.702941
EOD
$p6_11 << EOD
0.766667 0.75
EOD
$p6_12 << EOD
0.766667 0.75
0.766667 0.764999
EOD
$p6_13 << EOD
0.833333 0.666667
EOD
$p6_14 << EOD
0.833333 0.666667
0.833333 0.819593
EOD
$p6_15 << EOD
0.9 0.933333
EOD
$p6_16 << EOD
0.9 0.933333
0.9 0.905272
EOD
$p6_17 << EOD
0.966667 1
EOD
$p6_18 << EOD
0.966667 1
0.966667 0.995896
EOD
$p6_19 << EOD
0 0
1 1
EOD
set title 'MC dropout, T = 0.678: ECE 0.021' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p6_1 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p6_2 using 1:2 with lines lw 2.5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p6_3 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p6_4 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p6_5 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p6_6 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p6_7 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p6_8 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p6_9 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p6_10 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p6_11 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p6_12 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p6_13 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p6_14 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p6_15 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p6_16 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p6_17 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p6_18 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p6_19 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration'

# Panel 7
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p7_1 << EOD
0.366667 0
EOD
$p7_2 << EOD
0.366667 0
0.366667 0.380758
EOD
$p7_3 << EOD
0.433333 0
EOD
$p7_4 << EOD
0.433333 0
0.433333 0.455362
EOD
$p7_5 << EOD
0.5 0.5
EOD
$p7_6 << EOD
0.5 0.5
0.5 0.504365
EOD
$p7_7 << EOD
0.566667 0.625
EOD
$p7_8 << EOD
0.566667 0.625
0.566667 0.566894
EOD
$p7_9 << EOD
0.633333 1
EOD
$p7_10 << EOD
0.633333 1
0.633333 0.638767
EOD
$p7_11 << EOD
0.7 0.5
EOD
$p7_12 << EOD
0.7 0.5
0.7 0.69347
EOD
$p7_13 << EOD
0.766667 0.571429
EOD
$p7_14 << EOD
0.766667 0.571429
0.766667 0.77495
EOD
$p7_15 << EOD
0.833333 1
EOD
$p7_16 << EOD
0.833333 1
0.833333 0.840724
EOD
$p7_17 << EOD
0.9 0.875
EOD
$p7_18 << EOD
0.9 0.875
0.9 0.900586
EOD
$p7_19 << EOD
0.966667 0.996885
EOD
$p7_20 << EOD
0.966667 0.996885
0.966667 0.994847
EOD
$p7_21 << EOD
0 0
1 1
EOD
set title 'deep ensemble, T = 0.903: ECE 0.017' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p7_1 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p7_2 using 1:2 with lines lw 2.5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p7_3 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_4 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_5 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_6 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_7 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_8 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_9 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_10 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_11 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_12 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_13 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_14 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_15 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_16 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_17 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_18 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_19 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p7_20 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p7_21 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration'

# Panel 8
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p8_1 << EOD
0.366667 1
EOD
$p8_2 << EOD
0.366667 1
0.366667 0.391748
EOD
$p8_3 << EOD
0.5 0.333333
EOD
$p8_4 << EOD
0.5 0.333333
0.5 0.501911
EOD
$p8_5 << EOD
0.566667 0.428571
EOD
$p8_6 << EOD
0.566667 0.428571
0.566667 0.566174
EOD
$p8_7 << EOD
0.633333 0.5
EOD
$p8_8 << EOD
0.633333 0.5
0.633333 0.638889
EOD
$p8_9 << EOD
0.7 0.5
EOD
$p8_10 << EOD
0.7 0.5
0.7 0.688101
EOD
$p8_11 << EOD
0.766667 1
EOD
$p8_12 << EOD
0.766667 1
0.766667 0.766523
EOD
$p8_13 << EOD
0.833333 0.888889
EOD
$p8_14 << EOD
0.833333 0.888889
0.833333 0.841681
EOD
$p8_15 << EOD
0.9 0.916667
EOD
$p8_16 << EOD
0.9 0.916667
0.9 0.905539
EOD
$p8_17 << EOD
0.966667 0.990323
EOD
$p8_18 << EOD
0.966667 0.990323
0.966667 0.993754
EOD
$p8_19 << EOD
0 0
1 1
EOD
set title 'Bayes by Backprop, T = 0.48: ECE 0.021' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p8_1 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p8_2 using 1:2 with lines lw 2.5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p8_3 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p8_4 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p8_5 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p8_6 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p8_7 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p8_8 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p8_9 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p8_10 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p8_11 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p8_12 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p8_13 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p8_14 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p8_15 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p8_16 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p8_17 using 1:2:(0.06) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p8_18 using 1:2 with lines lw 2.5 lc rgb '#D55E00' notitle, \
  $p8_19 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration'

# Panel 9
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p9_1 << EOD
0.0333333 0
0.1 0
0.166667 0
0.233333 0
0.3 0.00278552
0.366667 0.00278552
0.433333 0.00278552
0.5 0.00557103
0.566667 0.00557103
0.633333 0.0111421
0.7 0.0194986
0.766667 0.0194986
0.833333 0.0167131
0.9 0.0306407
0.966667 0.883008
EOD
set title 'MAP network: confidences' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'share of predictions'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p9_1 using 1:2:(0.06) with boxes lc rgb '#999999' fs solid 0.6 noborder notitle

# Panel 10
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p10_1 << EOD
0.0333333 0
0.1 0
0.166667 0
0.233333 0
0.3 0
0.366667 0.00278552
0.433333 0.00835655
0.5 0.00835655
0.566667 0.00835655
0.633333 0.0250696
0.7 0.0167131
0.766667 0.0306407
0.833333 0.0194986
0.9 0.0668524
0.966667 0.81337
EOD
set title 'MC dropout: confidences' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'share of predictions'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p10_1 using 1:2:(0.06) with boxes lc rgb '#999999' fs solid 0.6 noborder notitle

# Panel 11
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p11_1 << EOD
0.0333333 0
0.1 0
0.166667 0
0.233333 0
0.3 0
0.366667 0.00278552
0.433333 0.00557103
0.5 0.00835655
0.566667 0.0194986
0.633333 0.00835655
0.7 0.00278552
0.766667 0.0250696
0.833333 0.0222841
0.9 0.0278552
0.966667 0.877437
EOD
set title 'deep ensemble: confidences' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'share of predictions'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p11_1 using 1:2:(0.06) with boxes lc rgb '#999999' fs solid 0.6 noborder notitle

# Panel 12
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p12_1 << EOD
0.0333333 0
0.1 0
0.166667 0
0.233333 0
0.3 0.0167131
0.366667 0.00278552
0.433333 0.0222841
0.5 0.0222841
0.566667 0.0334262
0.633333 0.0278552
0.7 0.0306407
0.766667 0.0640669
0.833333 0.097493
0.9 0.155989
0.966667 0.526462
EOD
set title 'Bayes by Backprop: confidences' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'share of predictions'
set xrange [0:1]
set yrange [0:1]
unset colorbox
unset key
plot \
  $p12_1 using 1:2:(0.06) with boxes lc rgb '#999999' fs solid 0.6 noborder notitle

# Panel 13
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p13_1 << EOD
0.0166667 0
0.0833333 0
0.15 0
0.216667 0
0.283333 0.000856785
0.35 0.000949526
0.416667 0.00124619
0.483333 0.00014899
0.55 0.000376404
0.616667 0.00420382
0.683333 0.000167183
0.75 0.000990663
0.816667 0.00270621
0.883333 0.00291776
0.95 0.00298101
EOD
$p13_2 << EOD
0.05 0
0.116667 0
0.183333 0
0.25 0
0.316667 0.000853369
0.383333 0.000944422
0.45 0.00123668
0.516667 0.00013415
0.583333 0.000350102
0.65 0.00423583
0.716667 0.000986337
0.783333 0.00166432
0.85 0.00277399
0.916667 0.00281444
0.983333 0.00334791
EOD
set title 'MAP network: ECE terms' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'share × gap'
set xrange [0:1]
set yrange [0:0.03]
unset colorbox
set key top left
plot \
  $p13_1 using 1:2:(0.03) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'as trained', \
  $p13_2 using 1:2:(0.03) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'after scaling'

# Panel 14
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p14_1 << EOD
0.0166667 0
0.0833333 0
0.15 0
0.216667 0
0.283333 0
0.35 0.00172861
0.416667 0.0035437
0.483333 0.00136249
0.55 0.00363532
0.616667 0.000854009
0.683333 0.00217733
0.75 0.00413813
0.816667 0.003349
0.883333 0.00637682
0.95 0.0130963
EOD
$p14_2 << EOD
0.05 0
0.116667 0
0.183333 0
0.25 0
0.316667 0
0.383333 0
0.45 0.00149397
0.516667 0.00570195
0.583333 0.00229497
0.65 0.000692294
0.716667 0.00248239
0.783333 0.000167118
0.85 0.00383381
0.916667 0.00117248
0.983333 0.00364668
EOD
set title 'MC dropout: ECE terms' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'share × gap'
set xrange [0:1]
set yrange [0:0.03]
unset colorbox
set key top left
plot \
  $p14_1 using 1:2:(0.03) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'as trained', \
  $p14_2 using 1:2:(0.03) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'after scaling'

# Panel 15
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p15_1 << EOD
0.0166667 0
0.0833333 0
0.15 0
0.216667 0
0.283333 0
0.35 0.0010245
0.416667 0.00249012
0.483333 0.00121287
0.55 0.00304405
0.616667 0.000216013
0.683333 0.000909615
0.75 0.00228097
0.816667 0.00363978
0.883333 0.000213346
0.95 0.00305591
EOD
$p15_2 << EOD
0.05 0
0.116667 0
0.183333 0
0.25 0
0.316667 0
0.383333 0.00106061
0.45 0.00126842
0.516667 2.4318e-05
0.583333 0.00129483
0.65 0.00301866
0.716667 0.00107783
0.783333 0.00396838
0.85 0.002662
0.916667 0.000570169
0.983333 0.00182203
EOD
set title 'deep ensemble: ECE terms' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'share × gap'
set xrange [0:1]
set yrange [0:0.03]
unset colorbox
set key top left
plot \
  $p15_1 using 1:2:(0.03) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'as trained', \
  $p15_2 using 1:2:(0.03) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'after scaling'

# Panel 16
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p16_1 << EOD
0.0166667 0
0.0833333 0
0.15 0
0.216667 0
0.283333 0.000240043
0.35 0.0017115
0.416667 0.001422
0.483333 0.00263122
0.55 0.00592781
0.616667 0.007523
0.683333 0.00607757
0.75 0.0116024
0.816667 0.0160902
0.883333 0.0148625
0.95 0.0109402
EOD
$p16_2 << EOD
0.05 0
0.116667 0
0.183333 0
0.25 0
0.316667 0
0.383333 0.00338859
0.45 0
0.516667 0.00281746
0.583333 0.00268307
0.65 0.000773755
0.716667 0.00314374
0.783333 0.00325177
0.85 0.00118347
0.916667 0.000371967
0.983333 0.00296323
EOD
set title 'Bayes by Backprop: ECE terms' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'share × gap'
set xrange [0:1]
set yrange [0:0.03]
unset colorbox
set key top left
plot \
  $p16_1 using 1:2:(0.03) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'as trained', \
  $p16_2 using 1:2:(0.03) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'after scaling'
unset multiplot
