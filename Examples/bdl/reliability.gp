# reliability.gp — written by the course; redraw with: gnuplot reliability.gp
if (!exists("outfile")) outfile = 'reliability.png'
set terminal pngcairo size 640,880 enhanced font 'DejaVu Sans,11' background rgb 'white'
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
0.3 0
EOD
$p1_2 << EOD
0.5 0
EOD
$p1_3 << EOD
0.7 0.5
EOD
$p1_4 << EOD
0.9 1
EOD
$p1_5 << EOD
0 0
1 1
EOD
$p1_6 << EOD
0.3 0
0.3 0.4
EOD
$p1_7 << EOD
0.5 0
0.5 0.55
EOD
$p1_8 << EOD
0.7 0.5
0.7 0.7
EOD
$p1_9 << EOD
0.9 1
0.9 0.89
EOD
set title 'Reliability, 5 equal-width bins: ECE = 0.279' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'accuracy'
set xrange [0:1]
set yrange [0:1]
unset colorbox
set key top left
plot \
  $p1_1 using 1:2:(0.18) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'accuracy', \
  $p1_2 using 1:2:(0.18) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_3 using 1:2:(0.18) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_4 using 1:2:(0.18) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle, \
  $p1_5 using 1:2 with lines lw 2 lc rgb '#999999' dt 2 title 'perfect calibration', \
  $p1_6 using 1:2 with lines lw 5 lc rgb '#D55E00' title 'gap to mean confidence', \
  $p1_7 using 1:2 with lines lw 5 lc rgb '#D55E00' notitle, \
  $p1_8 using 1:2 with lines lw 5 lc rgb '#D55E00' notitle, \
  $p1_9 using 1:2 with lines lw 5 lc rgb '#D55E00' notitle

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0.1 0
0.3 1
0.5 2
0.7 2
0.9 3
EOD
set title 'Predictions per confidence bin (n = 8)' font ',13'
set xlabel 'confidence (largest probability)'
set ylabel 'predictions in the bin'
set xrange [0:1]
unset colorbox
unset key
plot \
  $p2_1 using 1:2:(0.18) with boxes lc rgb '#999999' fs solid 0.6 noborder notitle
unset multiplot
