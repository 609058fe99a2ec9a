library(testthat)
library(panalyzer)
test_check("panalyzer")
