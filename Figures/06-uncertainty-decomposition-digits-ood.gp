# 06-uncertainty-decomposition-digits-ood.gp — written by the course; redraw with: gnuplot 06-uncertainty-decomposition-digits-ood.gp
if (!exists("outfile")) outfile = '06-uncertainty-decomposition-digits-ood.png'
set terminal pngcairo size 1120,420 enhanced font 'DejaVu Sans,11' background rgb 'white'
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
0.0266289 177
0.0798866 49
0.133144 11
0.186402 7
0.23966 5
0.292917 3
0.346175 3
0.399433 6
0.452691 0
0.505948 2
0.559206 0
0.612464 1
0.665721 3
0.718979 1
0.772237 1
0.825494 0
0.878752 0
0.93201 0
0.985268 1
1.03853 0
1.09178 0
1.14504 0
1.1983 0
1.25156 0
1.30481 0
1.35807 0
1.41133 0
1.46459 0
1.51784 0
1.5711 0
EOD
$p1_2 << EOD
0.0266289 4
0.0798866 25
0.133144 33
0.186402 35
0.23966 38
0.292917 34
0.346175 29
0.399433 29
0.452691 35
0.505948 32
0.559206 42
0.612464 39
0.665721 27
0.718979 61
0.772237 49
0.825494 55
0.878752 53
0.93201 43
0.985268 34
1.03853 55
1.09178 44
1.14504 20
1.1983 20
1.25156 15
1.30481 15
1.35807 11
1.41133 13
1.46459 4
1.51784 1
1.5711 1
EOD
set title 'Entropy of the predictive (AUROC 0.965)' font ',13'
set xlabel 'total entropy (nats)'
set ylabel 'images'
unset colorbox
set key top right
plot \
  $p1_1 using 1:2:(0.0479319) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'held-out digits 0–4 (270 images)', \
  $p1_2 using 1:2:(0.0479319) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'digits 5–9, never seen (896 images)'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0.00747468 186
0.022424 43
0.0373734 13
0.0523228 4
0.0672721 2
0.0822215 4
0.0971709 5
0.11212 4
0.12707 2
0.142019 3
0.156968 0
0.171918 1
0.186867 1
0.201816 0
0.216766 1
0.231715 0
0.246664 0
0.261614 0
0.276563 0
0.291513 0
0.306462 1
0.321411 0
0.336361 0
0.35131 0
0.366259 0
0.381209 0
0.396158 0
0.411107 0
0.426057 0
0.441006 0
EOD
$p2_2 << EOD
0.00747468 7
0.022424 34
0.0373734 38
0.0523228 41
0.0672721 39
0.0822215 24
0.0971709 48
0.11212 44
0.12707 55
0.142019 43
0.156968 69
0.171918 62
0.186867 70
0.201816 64
0.216766 55
0.231715 49
0.246664 57
0.261614 28
0.276563 28
0.291513 22
0.306462 7
0.321411 1
0.336361 5
0.35131 4
0.366259 0
0.381209 1
0.396158 0
0.411107 0
0.426057 0
0.441006 1
EOD
set title 'Mutual information (AUROC 0.961)' font ',13'
set xlabel 'I[y; w] (nats)'
set ylabel 'images'
unset colorbox
set key top right
plot \
  $p2_1 using 1:2:(0.0134544) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'held-out digits 0–4 (270 images)', \
  $p2_2 using 1:2:(0.0134544) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'digits 5–9, never seen (896 images)'
unset multiplot
