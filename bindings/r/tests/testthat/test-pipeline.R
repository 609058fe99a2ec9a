test_that("run_pipeline() processes files in input order, failures included", {
  need(run_pipeline(character()))
  paths <- c(rep(c(data_file("1crn.pdb"), data_file("1CRN.cif")), 3), data_file("empty.pdb"),
             data_file("missing.pdb"))
  r <- run_pipeline(paths, threads = 2, chunk = 2)
  expect_equal(r$files$path, path.expand(paths))
  expect_equal(r$files$status[1:6], rep(0L, 6))
  expect_true(all(r$files$status[7:8] < 0))
  expect_true(all(nzchar(r$files$message[7:8])))
  expect_equal(r$files$atoms[1:6], rep(327L, 6))
  expect_equal(nrow(r$chains), 6)
  expect_equal(unique(r$chains$sequence), "TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN")
})

test_that("run_pipeline() uses the cache", {
  need(run_pipeline(character()))
  dir <- tempfile("pa-cache")
  on.exit(unlink(dir, recursive = TRUE))
  a <- run_pipeline(data_file("1crn.pdb"), cache_dir = dir)
  b <- run_pipeline(data_file("1crn.pdb"), cache_dir = dir)
  expect_false(a$files$cached)
  expect_true(b$files$cached)
  expect_equal(a$chains, b$chains)
})
