# 05-mc-dropout-dropout-rate.gp — written by the course; redraw with: gnuplot 05-mc-dropout-dropout-rate.gp
if (!exists("outfile")) outfile = '05-mc-dropout-dropout-rate.png'
set terminal pngcairo size 1040,400 enhanced font 'DejaVu Sans,11' background rgb 'white'
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
0 0.0115036
0.1 0.0138133
0.2 0.0216098
0.3 0.0341347
0.5 0.0829136
0.7 0.160233
EOD
$p1_2 << EOD
0 0.0115036
0.1 0.0138133
0.2 0.0216098
0.3 0.0341347
0.5 0.0829136
0.7 0.160233
EOD
set title 'Fit' font ',13'
set xlabel 'dropout rate p'
set ylabel 'test NLL (nats)'
unset colorbox
unset key
plot \
  $p1_1 using 1:2 with lines lw 2 lc rgb '#0072B2' notitle, \
  $p1_2 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' notitle

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0 5.88408e-16
0.1 0.0337631
0.2 0.0552183
0.3 0.0491321
0.5 0.075146
0.7 0.0932224
EOD
$p2_2 << EOD
0 6.05709e-16
0.1 0.00688254
0.2 0.0151741
0.3 0.0232871
0.5 0.0464821
0.7 0.0554539
EOD
$p2_3 << EOD
0 5.88408e-16
0.1 0.0337631
0.2 0.0552183
0.3 0.0491321
0.5 0.075146
0.7 0.0932224
EOD
$p2_4 << EOD
0 6.05709e-16
0.1 0.00688254
0.2 0.0151741
0.3 0.0232871
0.5 0.0464821
0.7 0.0554539
EOD
set title 'Epistemic uncertainty' font ',13'
set xlabel 'dropout rate p'
set ylabel 'mean MI (nats)'
unset colorbox
set key top left
plot \
  $p2_1 using 1:2 with lines lw 2 lc rgb '#D55E00' title 'far from the data', \
  $p2_2 using 1:2 with lines lw 2 lc rgb '#0072B2' title 'on test points', \
  $p2_3 using 1:2 with points pt 7 ps 1 lc rgb '#D55E00' notitle, \
  $p2_4 using 1:2 with points pt 7 ps 1 lc rgb '#0072B2' notitle
unset multiplot
