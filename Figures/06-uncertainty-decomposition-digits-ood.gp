# 06-uncertainty-decomposition-digits-ood.gp — written by the course; redraw with: gnuplot 06-uncertainty-decomposition-digits-ood.gp
if (!exists("outfile")) outfile = '06-uncertainty-decomposition-digits-ood.png'
set terminal pngcairo size 1120,420 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
set multiplot layout 1,2

# Panel 1
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
$p1_1 << EOD
0.0267885 157
0.0803656 53
0.133943 17
0.18752 12
0.241097 10
0.294674 4
0.348251 2
0.401828 3
0.455405 4
0.508982 1
0.562559 1
0.616136 0
0.669713 0
0.72329 1
0.776867 1
0.830444 0
0.884021 0
0.937598 1
0.991176 1
1.04475 0
1.09833 0
1.15191 0
1.20548 0
1.25906 0
1.31264 1
1.36621 0
1.41979 0
1.47337 0
1.52695 1
1.58052 0
EOD
$p1_2 << EOD
0.0267885 3
0.0803656 22
0.133943 34
0.18752 27
0.241097 38
0.294674 33
0.348251 29
0.401828 32
0.455405 42
0.508982 43
0.562559 48
0.616136 30
0.669713 41
0.72329 45
0.776867 48
0.830444 57
0.884021 39
0.937598 35
0.991176 55
1.04475 35
1.09833 26
1.15191 28
1.20548 30
1.25906 32
1.31264 14
1.36621 11
1.41979 11
1.47337 6
1.52695 1
1.58052 1
EOD
set title 'Entropy of the predictive' font ',13'
set xlabel 'total entropy (nats)'
set ylabel 'images'
unset colorbox
set key top right
plot \
  $p1_1 using 1:2:(0.0482194) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'held-out digits 0–4', \
  $p1_2 using 1:2:(0.0482194) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'digits 5–9 (never seen)'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill transparent solid 0.25 noborder
$p2_1 << EOD
0.00639474 156
0.0191842 45
0.0319737 20
0.0447632 19
0.0575527 6
0.0703421 8
0.0831316 4
0.0959211 2
0.108711 1
0.1215 2
0.13429 1
0.147079 1
0.159868 1
0.172658 1
0.185447 1
0.198237 0
0.211026 0
0.223816 0
0.236605 0
0.249395 2
0.262184 0
0.274974 0
0.287763 0
0.300553 0
0.313342 0
0.326132 0
0.338921 0
0.351711 0
0.3645 0
0.37729 0
EOD
$p2_2 << EOD
0.00639474 8
0.0191842 23
0.0319737 23
0.0447632 32
0.0575527 42
0.0703421 33
0.0831316 37
0.0959211 48
0.108711 35
0.1215 44
0.13429 42
0.147079 57
0.159868 46
0.172658 46
0.185447 54
0.198237 55
0.211026 48
0.223816 37
0.236605 41
0.249395 36
0.262184 33
0.274974 22
0.287763 15
0.300553 17
0.313342 9
0.326132 3
0.338921 2
0.351711 1
0.3645 5
0.37729 2
EOD
set title 'Mutual information' font ',13'
set xlabel 'I[y; w] (nats)'
set ylabel 'images'
unset colorbox
set key top right
plot \
  $p2_1 using 1:2:(0.0115105) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'held-out digits 0–4', \
  $p2_2 using 1:2:(0.0115105) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'digits 5–9 (never seen)'
unset multiplot
