// The C interfaces the core uses: CBLAS for products and LAPACKE for factorisations
// (OpenBLAS provides both on Debian/Ubuntu: libopenblas-dev for cblas.h,
// liblapacke-dev for lapacke.h), and on Linux glibc's malloc tuning (mallopt).
#include <cblas.h>
#include <lapacke.h>
#ifdef __linux__
#include <malloc.h>
#endif
