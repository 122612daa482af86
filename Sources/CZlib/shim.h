// zlib, for reading the gzipped digits data set (assets/data/digits.csv.gz).
#include <zlib.h>
