crn <- "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN"

test_that("sequences() lists chain sequences", {
  need(sequences(read_structure(data_file("1crn.pdb"))))
  sq <- sequences(read_structure(data_file("1crn.pdb")))
  expect_equal(nrow(sq), 1)
  expect_equal(sq$chain, "A")
  expect_equal(sq$polymer_type, "protein")
  expect_equal(sq$sequence, crn)
  expect_equal(sq$seqres, crn)
})

test_that("align() scores targets, serially and on threads", {
  need(align("HEAGAWGHEE", "PAWHEAE"))
  a <- align("HEAGAWGHEE", c("PAWHEAE", "HEAGAWGHEE", "W"))
  expect_equal(nrow(a), 3)
  expect_equal(a$target, 1:3)
  expect_true(all(a$score > 0))
  expect_equal(a$qstart[2], 1L)
  expect_equal(a$qend[2], 10L)
  expect_match(a$cigar[2], "^10=$")
  t <- align("HEAGAWGHEE", rep(c("PAWHEAE", "HEAGAWGHEE"), 20), threads = 2, top_k = 3)
  expect_equal(nrow(t), 3)
  expect_true(all(diff(t$score) <= 0))
  expect_error(align("HEAG", "PAW", matrix = "NOPE"), "align")
  expect_error(align("HEAG", "PAW", mode = "sideways"), "unknown alignment mode")
  expect_error(align("HEAG", ""), "non-empty")
})

test_that("predict_ss() returns H/E/C strings", {
  need(predict_ss("ACDE"))
  s <- c(a = "MKVLAAGIVGLLLAEEAAKRLG", b = "GSHM")
  ss <- predict_ss(s)
  expect_equal(nchar(ss), nchar(s), ignore_attr = TRUE)
  expect_equal(names(ss), c("a", "b"))
  expect_true(all(grepl("^[HEC]+$", ss)))
  p <- predict_ss(s, probs = TRUE, threads = 2)
  expect_equal(p$ss, ss)
  expect_equal(dim(p$prob[[1]]), c(22L, 3L))
  expect_equal(rowSums(p$prob[[1]]), rep(1, 22), tolerance = 1e-4)
})

test_that("predict_ss() runs in bf16 and int8 and rejects unknown precisions", {
  need(predict_ss("ACDE"))
  s <- c(a = "MKVLAAGIVGLLLAEEAAKRLGSHMPEPTIDEKVLLAGG", b = "GSHM")
  ref <- predict_ss(s, probs = TRUE)
  for (p in c("bf16", "int8")) {
    q <- predict_ss(s, probs = TRUE, precision = p)
    expect_equal(nchar(q$ss), nchar(s), ignore_attr = TRUE)
    expect_lt(max(abs(q$prob[[1]] - ref$prob[[1]])), 0.05)
  }
  expect_error(predict_ss(s, precision = "fp16"), "precision")
})

test_that("predict_ss8() returns DSSP 8-state strings", {
  need(predict_ss8("ACDE"))
  s <- c(a = "MKVLAAGIVGLLLAEEAAKRLG", b = "GSHM")
  ss8 <- predict_ss8(s)
  expect_equal(names(ss8), c("a", "b"))
  expect_true(all(grepl("^[HGIEBTSC]+$", ss8)))
  p <- predict_ss8(s, probs = TRUE, precision = "int8")
  expect_equal(dim(p$prob[[1]]), c(22L, 8L))
  expect_equal(colnames(p$prob[[1]]), strsplit("HGIEBTSC", "")[[1]])
  expect_equal(rowSums(p$prob[[1]]), rep(1, 22), tolerance = 1e-3)
})
