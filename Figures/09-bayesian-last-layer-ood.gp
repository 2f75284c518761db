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
set multiplot layout 2,2 title 'Mutual information from 100 draws — blue: held-out digits 0–4, vermillion: digits 5–9 (never seen)' font ',14'

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
unset colorbox
unset key
plot \
  $p1_1 using 1:2:(0.0322137) with boxes lc rgb '#D55E00' fs solid 0.6 noborder notitle, \
  $p1_2 using 1:2:(0.0322137) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle

# Panel 2
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p2_1 << EOD
0.0136653 0
0.040996 1
0.0683266 1
0.0956573 5
0.122988 15
0.150319 23
0.177649 29
0.20498 30
0.23231 32
0.259641 42
0.286972 46
0.314302 53
0.341633 54
0.368964 57
0.396294 55
0.423625 68
0.450956 55
0.478286 66
0.505617 42
0.532948 48
0.560278 55
0.587609 40
0.614939 28
0.64227 20
0.669601 16
0.696931 4
0.724262 5
0.751593 4
0.778923 1
0.806254 1
EOD
$p2_2 << EOD
0.0136653 41
0.040996 71
0.0683266 37
0.0956573 19
0.122988 34
0.150319 29
0.177649 15
0.20498 11
0.23231 1
0.259641 3
0.286972 2
0.314302 2
0.341633 0
0.368964 1
0.396294 1
0.423625 0
0.450956 1
0.478286 0
0.505617 0
0.532948 0
0.560278 1
0.587609 1
0.614939 0
0.64227 0
0.669601 0
0.696931 0
0.724262 0
0.751593 0
0.778923 0
0.806254 0
EOD
set title 'last-layer Laplace: AUROC 0.968' font ',13'
set xlabel 'mutual information (nats)'
set ylabel 'images'
unset colorbox
unset key
plot \
  $p2_1 using 1:2:(0.0245976) with boxes lc rgb '#D55E00' fs solid 0.6 noborder notitle, \
  $p2_2 using 1:2:(0.0245976) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle

# Panel 3
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p3_1 << EOD
0.0105434 1
0.0316303 6
0.0527172 22
0.073804 39
0.0948909 24
0.115978 25
0.137065 42
0.158152 33
0.179238 38
0.200325 44
0.221412 46
0.242499 37
0.263586 47
0.284673 58
0.30576 57
0.326846 67
0.347933 60
0.36902 50
0.390107 36
0.411194 42
0.432281 25
0.453368 22
0.474455 13
0.495541 13
0.516628 17
0.537715 13
0.558802 13
0.579889 3
0.600976 2
0.622063 1
EOD
$p3_2 << EOD
0.0105434 114
0.0316303 82
0.0527172 38
0.073804 10
0.0948909 5
0.115978 5
0.137065 3
0.158152 6
0.179238 2
0.200325 0
0.221412 0
0.242499 1
0.263586 1
0.284673 2
0.30576 0
0.326846 0
0.347933 0
0.36902 0
0.390107 0
0.411194 0
0.432281 0
0.453368 1
0.474455 0
0.495541 0
0.516628 0
0.537715 0
0.558802 0
0.579889 0
0.600976 0
0.622063 0
EOD
set title 'last layer, end to end: AUROC 0.973' font ',13'
set xlabel 'mutual information (nats)'
set ylabel 'images'
unset colorbox
unset key
plot \
  $p3_1 using 1:2:(0.0189782) with boxes lc rgb '#D55E00' fs solid 0.6 noborder notitle, \
  $p3_2 using 1:2:(0.0189782) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle

# Panel 4
reset
set encoding utf8
set border 3 lw 1 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
set key noautotitle samplen 2.5 spacing 1.1 font ',10'
set style fill solid 1.0 noborder
$p4_1 << EOD
0.00787242 6
0.0236173 13
0.0393621 25
0.055107 17
0.0708518 28
0.0865966 33
0.102341 27
0.118086 24
0.133831 26
0.149576 46
0.165321 52
0.181066 44
0.196811 52
0.212555 45
0.2283 42
0.244045 56
0.25979 45
0.275535 53
0.29128 47
0.307024 44
0.322769 47
0.338514 42
0.354259 28
0.370004 21
0.385749 11
0.401494 13
0.417238 6
0.432983 2
0.448728 0
0.464473 1
EOD
$p4_2 << EOD
0.00787242 196
0.0236173 23
0.0393621 17
0.055107 6
0.0708518 6
0.0865966 2
0.102341 4
0.118086 3
0.133831 1
0.149576 3
0.165321 0
0.181066 1
0.196811 0
0.212555 3
0.2283 1
0.244045 1
0.25979 1
0.275535 0
0.29128 1
0.307024 0
0.322769 0
0.338514 0
0.354259 0
0.370004 1
0.385749 0
0.401494 0
0.417238 0
0.432983 0
0.448728 0
0.464473 0
EOD
set title 'whole network, mean field: AUROC 0.965' font ',13'
set xlabel 'mutual information (nats)'
set ylabel 'images'
unset colorbox
unset key
plot \
  $p4_1 using 1:2:(0.0141704) with boxes lc rgb '#D55E00' fs solid 0.6 noborder notitle, \
  $p4_2 using 1:2:(0.0141704) with boxes lc rgb '#0072B2' fs solid 0.6 noborder notitle
unset multiplot
