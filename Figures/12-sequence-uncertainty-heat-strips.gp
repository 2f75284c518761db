# 12-sequence-uncertainty-heat-strips.gp — written by the course; redraw with: gnuplot 12-sequence-uncertainty-heat-strips.gp
if (!exists("outfile")) outfile = '12-sequence-uncertainty-heat-strips.png'
set terminal pngcairo size 1200,360 enhanced font 'DejaVu Sans,11' background rgb 'white'
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
0 0 2.98265
1 0 1.91817
2 0 2.8046
3 0 2.65532
4 0 2.19195
5 0 1.96632
6 0 2.49511
7 0 2.18456
8 0 2.4152
9 0 NaN
10 0 NaN

0 1 2.97142
1 1 1.70942
2 1 2.71586
3 1 2.94933
4 1 2.49061
5 1 1.1935
6 1 1.09059
7 1 2.07197
8 1 1.82389
9 1 NaN
10 1 NaN

0 2 2.96788
1 2 2.63831
2 2 2.19954
3 2 2.702
4 2 2.46964
5 2 2.62949
6 2 1.97412
7 2 2.70084
8 2 NaN
9 2 NaN
10 2 NaN

0 3 2.98279
1 3 2.65083
2 3 1.81924
3 3 2.93897
4 3 2.88603
5 3 2.3133
6 3 1.83069
7 3 2.92823
8 3 1.7663
9 3 NaN
10 3 NaN

0 4 2.97254
1 4 1.7723
2 4 2.84384
3 4 2.56038
4 4 2.79712
5 4 2.21999
6 4 2.18032
7 4 1.734
8 4 1.3485
9 4 0.180734
10 4 NaN

0 5 2.97436
1 5 1.7688
2 5 2.83912
3 5 2.5644
4 5 2.51044
5 5 2.91106
6 5 2.81636
7 5 2.16523
8 5 0.550763
9 5 NaN
10 5 NaN

EOD
set title 'Total entropy of each next character (nats)' font ',13'
set xlabel 'character predicted (position in the string)'
set ylabel 'string'
set xtics ('1' 0, '2' 1, '3' 2, '4' 3, '5' 4, '6' 5, '7' 6, '8' 7, '9' 8, '10' 9, '11' 10)
set ytics ('digits: 47382508.' 0, 'random: uajwvvjk.' 1, 'Russian: spasibo.' 2, 'reversed: snoosnom.' 3, 'English: monastery.' 4, 'English: monsoons.' 5)
set colorbox user origin graph 1.03, graph 0 size character 1.5, graph 1
set rmargin 13
set palette defined (0 '#ffffff', 0.05 '#deebf7', 0.3 '#9ecae1', 0.6 '#3182bd', 1 '#08306b')
unset key
plot \
  $p1_1 using 1:2:3 with image

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0 0 0.0106657
1 0 0.0578723
2 0 0.0616138
3 0 0.0116052
4 0 0.0269744
5 0 0.0573551
6 0 0.0442943
7 0 0.0283587
8 0 0.0314812
9 0 NaN
10 0 NaN

0 1 0.0109561
1 1 0.0419543
2 1 0.0278088
3 1 0.0376501
4 1 0.0385125
5 1 0.0135421
6 1 0.0200942
7 1 0.10201
8 1 0.0237648
9 1 NaN
10 1 NaN

0 2 0.0166415
1 2 0.0191244
2 2 0.0361629
3 2 0.0193609
4 2 0.0236147
5 2 0.0128234
6 2 0.0279805
7 2 0.060066
8 2 NaN
9 2 NaN
10 2 NaN

0 3 0.0122981
1 3 0.0179847
2 3 0.0248879
3 3 0.0242203
4 3 0.0163937
5 3 0.0199656
6 3 0.0219216
7 3 0.039447
8 3 0.0334521
9 3 NaN
10 3 NaN

0 4 0.0103228
1 4 0.0207921
2 4 0.0299614
3 4 0.0288911
4 4 0.0139603
5 4 0.0236149
6 4 0.0145308
7 4 0.021921
8 4 0.0472279
9 4 0.00847244
10 4 NaN

0 5 0.0106387
1 5 0.0226996
2 5 0.0263426
3 5 0.0249164
4 5 0.0215023
5 5 0.0212865
6 5 0.0291381
7 5 0.0332877
8 5 0.0206533
9 5 NaN
10 5 NaN

EOD
set title 'Mutual information, the epistemic part (nats)' font ',13'
set xlabel 'character predicted (position in the string)'
set ylabel 'string'
set xtics ('1' 0, '2' 1, '3' 2, '4' 3, '5' 4, '6' 5, '7' 6, '8' 7, '9' 8, '10' 9, '11' 10)
unset ytics
set cbrange [0:0.12]
set colorbox user origin graph 1.03, graph 0 size character 1.5, graph 1
set rmargin 13
set palette defined (0 '#ffffff', 0.05 '#deebf7', 0.3 '#9ecae1', 0.6 '#3182bd', 1 '#08306b')
unset key
plot \
  $p2_1 using 1:2:3 with image
unset multiplot
