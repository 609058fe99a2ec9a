# align(): forced kernels and ISAs agree, traceback columns match the scores, errors.

read_fasta <- function(path) {
  l <- readLines(path)
  h <- grep("^>", l)
  stats::setNames(vapply(seq_along(h), function(i) {
    end <- if (i < length(h)) h[i + 1] - 1 else length(l)
    paste(l[(h[i] + 1):end], collapse = "")
  }, ""), sub("^>", "", l[h]))
}

blosum62 <- function() {
  as.matrix(utils::read.table(data_file("BLOSUM62"), header = TRUE, row.names = 1,
                              comment.char = "#", check.names = FALSE))
}

# Score of one reported alignment recomputed from its cigar (gap of k: open + (k-1) * extend),
# with the counts its columns imply.
rescore <- function(q, t, row, m, open = 11, extend = 1) {
  n <- as.integer(regmatches(row$cigar, gregexpr("[0-9]+", row$cigar))[[1]])
  op <- regmatches(row$cigar, gregexpr("[=XID]", row$cigar))[[1]]
  qs <- strsplit(q, "")[[1]]
  ts <- strsplit(t, "")[[1]]
  i <- row$qstart
  j <- row$tstart
  score <- 0
  same <- 0
  for (k in seq_along(op)) {
    if (op[k] %in% c("=", "X")) {
      for (r in seq_len(n[k])) {
        score <- score + m[qs[i], ts[j]]
        same <- same + (qs[i] == ts[j])
        if ((qs[i] == ts[j]) != (op[k] == "=")) stop("cigar op disagrees with the residues")
        i <- i + 1
        j <- j + 1
      }
    } else {
      score <- score - open - (n[k] - 1) * extend
      if (op[k] == "I") i <- i + n[k] else j <- j + n[k]
    }
  }
  list(score = score, qend = i - 1, tend = j - 1, identity = same / sum(n))
}

isas <- c("scalar", "sse41", "avx2", "avx512")

# The ISAs this CPU runs (a forced ISA it lacks is an error naming it).
usable_isas <- function() {
  Filter(function(i) {
    tryCatch({ align("MKV", "MKV", isa = i); TRUE },
             error = function(e) if (grepl("does not support", conditionMessage(e))) FALSE else stop(e))
  }, isas)
}

random_targets <- function(n, query) {
  set.seed(13)
  aa <- strsplit("ACDEFGHIKLMNPQRSTVWY", "")[[1]]
  r <- vapply(seq_len(n), function(i) paste(sample(aa, sample.int(300, 1), TRUE), collapse = ""), "")
  # saturate the 8-bit lanes of some targets only: the query itself, and parts of it
  r[c(5, 40, 77)] <- c(query, substr(query, 20, 140), paste0(query, query))
  r
}

test_that("every forced kernel and ISA gives the same alignments", {
  need(align("HEAG", "PAW"))
  real <- read_fasta(data_file("pair.fasta"))
  query <- real[[1]]
  targets <- c(random_targets(150, query), real[[2]])
  quick <- nzchar(Sys.getenv("PA_TEST_QUICK"))
  usable <- usable_isas()
  for (mode in if (quick) "local" else c("local", "global", "semi")) {
    for (gm in c("parasail", "blast")) {
      ref <- align(query, targets, mode = mode, gap_model = gm, isa = "scalar", traceback = FALSE)
      expect_equal(nrow(ref), length(targets))
      for (isa in usable) for (kernel in c("auto", "inter", "striped")) {
        a <- align(query, targets, mode = mode, gap_model = gm, isa = isa, kernel = kernel,
                   traceback = FALSE)
        expect_equal(a[c("target", "score", "qend", "tend")], ref[c("target", "score", "qend", "tend")],
                     info = paste(mode, gm, isa, kernel))
        expect_true(nzchar(align_kernel(a)))
      }
    }
  }
  # with tracebacks and top_k, on threads, in small chunks: still the same rows
  tb <- lapply(c("inter", "striped"), function(k)
    align(query, targets, kernel = k, top_k = 10L, threads = 2L, chunk = 7L))
  expect_equal(tb[[1]], tb[[2]], ignore_attr = TRUE)
  expect_equal(nrow(tb[[1]]), 10L)
  expect_true(all(diff(tb[[1]]$score) <= 0))
})

test_that("align_kernel() says which kernel ran", {
  need(align("HEAG", "PAW"))
  if (!("sse41" %in% usable_isas())) skip("no SSE4.1 on this CPU")
  targets <- random_targets(100, "MKVLAAGLLLWHEAGAWGHEE")
  a <- align("MKVLAAGLLLWHEAGAWGHEE", targets, kernel = "inter", isa = "sse41")
  expect_match(align_kernel(a), "^inter-sse41")
  expect_identical(align_kernel(), align_kernel(a))
  s <- align("MKVLAAGLLLWHEAGAWGHEE", targets, kernel = "striped")
  expect_match(align_kernel(s), "^striped-")
  expect_match(align_kernel(align("MKVL", targets)), "^(inter|striped)-")
  expect_error(align_kernel(data.frame(x = 1)), "not a result of align")
})

test_that("traceback columns agree with the scores on a real pair", {
  need(align("HEAG", "PAW"))
  real <- read_fasta(data_file("pair.fasta"))
  m <- blosum62()
  for (mode in c("local", "global")) {
    a <- align(real[[1]], real[[2]], mode = mode)
    r <- rescore(real[[1]], real[[2]], a, m)
    expect_equal(r$score, a$score, info = mode)
    expect_equal(c(r$qend, r$tend), c(a$qend, a$tend), info = mode)
    expect_equal(r$identity, a$identity, info = mode)
    if (mode == "global") expect_equal(c(a$qstart, a$tstart), c(1L, 1L))
    n <- align(real[[1]], real[[2]], mode = mode, traceback = FALSE)
    expect_equal(n[c("score", "qend", "tend")], a[c("score", "qend", "tend")])
    expect_true(is.na(n$cigar) && is.na(n$identity) && is.na(n$similarity))
    # starts are known without a traceback only in global mode
    expect_equal(n$tstart, if (mode == "global") 1L else NA_integer_)
  }
  b <- align(real[[1]], real[[2]], gap_model = "blast")
  expect_equal(rescore(real[[1]], real[[2]], b, m, open = 12)$score, b$score)
  # a matrix file gives the built-in matrix's scores
  expect_equal(align(real[[1]], real, matrix = data_file("BLOSUM62"))$score,
               align(real[[1]], real)$score)
  # semi-global: free ends chosen by name or by PA_FREE_* bits
  s <- align("HEAGAWGHEE", "PPPPHEAGAWGHEEPP", mode = "semi", free_ends = c("query_start", "query_end"))
  expect_equal(s$score, align("HEAGAWGHEE", "PPPPHEAGAWGHEEPP", mode = "semi", free_ends = 3L)$score)
  expect_equal(c(s$tstart, s$tend, s$cigar), c("5", "14", "10="))
  expect_lt(align("HEAGAWGHEE", "PPPPHEAGAWGHEEPP", mode = "semi", free_ends = 0L)$score, s$score)
})

test_that("align() rejects bad arguments with clear errors", {
  need(align("HEAG", "PAW"))
  expect_error(align("HEAG", "PAW", kernel = "simd"), "kernel must be one of")
  expect_error(align("HEAG", "PAW", isa = "neon"), "isa must be one of")
  expect_error(align("HEAG", "PAW", gap_model = "ncbi"), "gap_model must be one of")
  expect_error(align("HEAG", "PAW", mode = "sideways"), "unknown alignment mode")
  expect_error(align("HEAG", "PAW", top_k = -1), "top_k must be a non-negative")
  expect_error(align("HEAG", "PAW", top_k = NA), "top_k must be a non-negative")
  expect_error(align("HEAG", "PAW", chunk = 1.5), "chunk must be a non-negative")
  expect_error(align("HEAG", "PAW", free_ends = "left"), "free_ends")
  expect_error(align("HEAG", "PAW", free_ends = 16L), "free_ends")
  expect_error(align("HEAG", "PAW", traceback = NA), "traceback must be TRUE or FALSE")
  expect_error(align("HEAG", "PAW", gap_open = 1L, gap_extend = 2L), "align")
  expect_error(align("HEAG", "PAW", matrix = "no-such-matrix"), "align")
})

test_that("align_many() gives each query's align() rows", {
  need(align("HEAG", "PAW"))
  real <- read_fasta(data_file("pair.fasta"))
  queries <- c(real[[1]], "HEAGAWGHEE", substr(real[[2]], 30, 120))
  targets <- c(random_targets(100, real[[1]]), real[[2]])
  for (top in c(0L, 3L)) {
    m <- align_many(queries, targets, top_k = top, threads = 2L)
    expect_equal(names(m)[1:2], c("query", "target"))
    expect_true(nzchar(align_kernel(m)))
    for (i in seq_along(queries)) {
      one <- align(queries[i], targets, top_k = top)
      got <- m[m$query == i, -1]
      rownames(got) <- NULL
      expect_equal(got, one, ignore_attr = TRUE, info = paste(top, i))
    }
  }
  expect_equal(nrow(align_many(character(0), targets)), 0L)
  expect_error(align(queries, targets), "align_many")
  expect_error(align_many(1:3, targets), "character vector")
  expect_error(align_many(c("HEAG", NA), targets), "non-empty")
})
