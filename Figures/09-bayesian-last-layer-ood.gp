# 09-bayesian-last-layer-ood.gp — written by the course; redraw with: gnuplot 09-bayesian-last-layer-ood.gp
if (!exists("outfile")) outfile = '09-bayesian-last-layer-ood.png'
set terminal pngcairo size 1040,840 enhanced font 'DejaVu Sans,11' background rgb 'white'
set output outfile
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
set multiplot layout 2,2 title 'Mutual information from 100 draws: held-out digits against unseen ones' font ',14'

# Panel 1
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p1_1 << EOD
0.0178965 16
0.0536894 18
0.0894824 23
0.125275 30
0.161068 23
0.196861 26
0.232654 19
0.268447 29
0.30424 39
0.340033 29
0.375826 30
0.411619 41
0.447412 42
0.483205 57
0.518998 40
0.554791 38
0.590584 46
0.626377 42
0.66217 50
0.697963 44
0.733756 48
0.769549 35
0.805341 30
0.841134 28
0.876927 18
0.91272 23
0.948513 11
0.984306 11
1.0201 3
1.05589 7
EOD
$p1_2 << EOD
0.0178965 207
0.0536894 24
0.0894824 4
0.125275 9
0.161068 5
0.196861 4
0.232654 2
0.268447 4
0.30424 2
0.340033 0
0.375826 4
0.411619 1
0.447412 1
0.483205 1
0.518998 1
0.554791 0
0.590584 0
0.626377 0
0.66217 0
0.697963 0
0.733756 0
0.769549 1
0.805341 0
0.841134 0
0.876927 0
0.91272 0
0.948513 0
0.984306 0
1.0201 0
1.05589 0
EOD
set title 'last layer, two-stage: AUROC 0.97' font ',13'
set xlabel 'mutual information (nats)'
set ylabel 'images'
set xrange [0:1.07379]
set yrange [0:236.25]
unset colorbox
set key top right
plot \
  $p1_1 using 1:2:(0.0322137) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'digits 5–9 (never seen)', \
  $p1_2 using 1:2:(0.0322137) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'held-out digits 0–4'

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0.0178965 0
0.0536894 2
0.0894824 5
0.125275 16
0.161068 35
0.196861 42
0.232654 41
0.268447 57
0.30424 68
0.340033 74
0.375826 66
0.411619 80
0.447412 81
0.483205 82
0.518998 56
0.554791 72
0.590584 46
0.626377 35
0.66217 20
0.697963 8
0.733756 6
0.769549 3
0.805341 1
0.841134 0
0.876927 0
0.91272 0
0.948513 0
0.984306 0
1.0201 0
1.05589 0
EOD
$p2_2 << EOD
0.0178965 65
0.0536894 69
0.0894824 34
0.125275 39
0.161068 32
0.196861 18
0.232654 1
0.268447 4
0.30424 3
0.340033 0
0.375826 1
0.411619 1
0.447412 1
0.483205 0
0.518998 0
0.554791 1
0.590584 1
0.626377 0
0.66217 0
0.697963 0
0.733756 0
0.769549 0
0.805341 0
0.841134 0
0.876927 0
0.91272 0
0.948513 0
0.984306 0
1.0201 0
1.05589 0
EOD
set title 'last-layer Laplace: AUROC 0.968' font ',13'
set xlabel 'mutual information (nats)'
set ylabel 'images'
set xrange [0:1.07379]
set yrange [0:236.25]
unset colorbox
set key top right
plot \
  $p2_1 using 1:2:(0.0322137) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'digits 5–9 (never seen)', \
  $p2_2 using 1:2:(0.0322137) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'held-out digits 0–4'

# Panel 3
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p3_1 << EOD
0.0178965 7
0.0536894 36
0.0894824 50
0.125275 56
0.161068 61
0.196861 74
0.232654 67
0.268447 84
0.30424 106
0.340033 103
0.375826 75
0.411619 63
0.447412 40
0.483205 22
0.518998 26
0.554791 20
0.590584 5
0.626377 1
0.66217 0
0.697963 0
0.733756 0
0.769549 0
0.805341 0
0.841134 0
0.876927 0
0.91272 0
0.948513 0
0.984306 0
1.0201 0
1.05589 0
EOD
$p3_2 << EOD
0.0178965 171
0.0536894 67
0.0894824 11
0.125275 8
0.161068 8
0.196861 0
0.232654 1
0.268447 2
0.30424 1
0.340033 0
0.375826 0
0.411619 0
0.447412 1
0.483205 0
0.518998 0
0.554791 0
0.590584 0
0.626377 0
0.66217 0
0.697963 0
0.733756 0
0.769549 0
0.805341 0
0.841134 0
0.876927 0
0.91272 0
0.948513 0
0.984306 0
1.0201 0
1.05589 0
EOD
set title 'last layer, end to end: AUROC 0.973' font ',13'
set xlabel 'mutual information (nats)'
set ylabel 'images'
set xrange [0:1.07379]
set yrange [0:236.25]
unset colorbox
set key top right
plot \
  $p3_1 using 1:2:(0.0322137) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'digits 5–9 (never seen)', \
  $p3_2 using 1:2:(0.0322137) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'held-out digits 0–4'

# Panel 4
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p4_1 << EOD
0.0178965 23
0.0536894 52
0.0894824 69
0.125275 61
0.161068 105
0.196861 106
0.232654 115
0.268447 114
0.30424 104
0.340033 87
0.375826 38
0.411619 19
0.447412 2
0.483205 1
0.518998 0
0.554791 0
0.590584 0
0.626377 0
0.66217 0
0.697963 0
0.733756 0
0.769549 0
0.805341 0
0.841134 0
0.876927 0
0.91272 0
0.948513 0
0.984306 0
1.0201 0
1.05589 0
EOD
$p4_2 << EOD
0.0178965 225
0.0536894 20
0.0894824 9
0.125275 4
0.161068 4
0.196861 3
0.232654 2
0.268447 1
0.30424 1
0.340033 0
0.375826 1
0.411619 0
0.447412 0
0.483205 0
0.518998 0
0.554791 0
0.590584 0
0.626377 0
0.66217 0
0.697963 0
0.733756 0
0.769549 0
0.805341 0
0.841134 0
0.876927 0
0.91272 0
0.948513 0
0.984306 0
1.0201 0
1.05589 0
EOD
set title 'whole network, mean field: AUROC 0.965' font ',13'
set xlabel 'mutual information (nats)'
set ylabel 'images'
set xrange [0:1.07379]
set yrange [0:236.25]
unset colorbox
set key top right
plot \
  $p4_1 using 1:2:(0.0322137) with boxes lc rgb '#D55E00' fs solid 0.6 noborder title 'digits 5–9 (never seen)', \
  $p4_2 using 1:2:(0.0322137) with boxes lc rgb '#0072B2' fs solid 0.6 noborder title 'held-out digits 0–4'
unset multiplot
