test_that("version is reported", {
  expect_match(pa_version(), "^[0-9]+\\.[0-9]+\\.[0-9]+$")
})

test_that("a PDB file becomes data frames", {
  need(read_structure(data_file("1crn.pdb")))
  s <- read_structure(data_file("1crn.pdb"))
  expect_s3_class(s, "panalyzer_structure")
  expect_equal(s$format, "pdb")
  expect_equal(nrow(s$atoms), 327)
  expect_equal(s$chains$chain, "A")
  expect_equal(s$chains$n_residues, 46)
  expect_equal(s$chains$polymer_type, "protein")
  expect_equal(s$atoms$resname[1:3], c("THR", "THR", "THR"))
  expect_equal(s$atoms$x[1], 17.047, tolerance = 1e-4)
  expect_equal(s$atoms$name[1], "N")
  expect_output(print(s), "327 atoms")
})

test_that("mmCIF and PDB agree", {
  need(read_structure(data_file("1crn.pdb")))
  a <- read_structure(data_file("1crn.pdb"))
  b <- read_structure(data_file("1CRN.cif"))
  expect_equal(b$format, "mmcif")
  expect_equal(a$atoms$x, b$atoms$x, tolerance = 1e-3)
})

test_that("models are numbered", {
  need(read_structure(data_file("1crn.pdb")))
  s <- read_structure(data_file("multi-models-example.pdb"))
  expect_equal(length(s$models), 2)
  expect_equal(as.vector(table(s$atoms$model)), c(9, 9))
  one <- read_structure(data_file("multi-models-example.pdb"), first_model_only = TRUE)
  expect_equal(length(one$models), 1)
})

test_that("errors become R conditions with the library message", {
  need(read_structure(data_file("1crn.pdb")))
  expect_error(read_structure(data_file("no-such-file.pdb")), "no-such-file")
  expect_error(read_structure(data_file("empty.pdb"), strict = TRUE), "cannot read")
  expect_error(read_structure(data_file("1crn_truncated.pdb.gz"), strict = TRUE), "cannot read")
  expect_error(read_structure(data_file("1crn.pdb"), format = "bogus"), "unknown format")
  # many failing reads: each frees its C resources (checked under ASan by the C suites;
  # here: the loop must simply complete)
  for (i in 1:50) try(read_structure(data_file("empty.pdb"), strict = TRUE), silent = TRUE)
  expect_true(TRUE)
})
