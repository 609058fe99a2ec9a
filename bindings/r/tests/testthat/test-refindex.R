crn <- "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN"

random_refs <- function(n = 40) {
  set.seed(11)
  aa <- strsplit("ACDEFGHIKLMNPQRSTVWY", "")[[1]]
  s <- vapply(seq_len(n), function(i) paste(sample(aa, sample(120:260, 1), TRUE), collapse = ""), "")
  c(setNames(s, sprintf("r%02d", seq_len(n))), crambin = crn)
}

test_that("map_references() finds significant hits, best first", {
  need(map_references(c(q = crn), c(crambin = crn)))
  refs <- random_refs()
  q <- c(crn = crn, frag = substr(refs[["r07"]], 11, 100), junk = "WWWWWW")
  m <- map_references(q, refs, threads = 2)
  expect_equal(names(m)[1:13], c("query", "target", "score", "bits", "evalue", "identity",
                                 "qcov", "tcov", "qstart", "qend", "tstart", "tend", "cigar"))
  expect_equal(m$target[m$query == "crn"][1], "crambin")
  f <- m[m$query == "frag", ][1, ]
  expect_equal(c(f$target, f$qstart, f$qend, f$tstart, f$cigar), c("r07", "1", "90", "11", "90="))
  expect_true(all(m$evalue <= 1e-3))
  expect_false("junk" %in% m$query)
  expect_equal(nrow(map_references(q, refs, evalue = 1e-300)), 0)
})

test_that("map_references() reads FASTA files and reports bad input", {
  need(map_references(c(q = crn), c(crambin = crn)))
  refs <- random_refs()
  fa <- tempfile(fileext = ".fa")
  writeLines(paste0(">", names(refs), "\n", refs), fa)
  qf <- tempfile(fileext = ".fa")
  writeLines(c(">c", crn), qf)
  m <- map_references(qf, fa, sensitivity = "exhaustive", top = 1)
  expect_equal(nrow(m), 1)
  expect_equal(m$target, "crambin")
  expect_error(map_references(qf, fa, sensitivity = "max"), "sensitivity")
  bad <- tempfile(fileext = ".pai")
  writeBin(c(charToRaw("PAIDX\r\n"), as.raw(0x1a), as.raw(rep(0, 20))), bad)
  expect_error(map_references(qf, bad), "map_references")
})

test_that("map_references() adjusts E-values for composition", {
  need(map_references(c(q = crn), c(crambin = crn)))
  set.seed(14)
  rich <- strsplit("SSSSTTTTTPPGGAEVN", "")[[1]]
  biased <- function(n) paste(sample(rich, n, TRUE), collapse = "")
  refs <- c(random_refs(), lowcomp = paste0(biased(600), crn))
  q <- c(decoy = biased(250))
  expect_true(nrow(map_references(q, refs, sensitivity = "exhaustive", comp_adjust = FALSE)) > 0)
  expect_equal(nrow(map_references(q, refs, sensitivity = "exhaustive")), 0)
  expect_equal(map_references(c(c = crn), refs)$target[1], "crambin")
})
