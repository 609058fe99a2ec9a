data_file <- function(name) test_path("data", name)

# Skip unless the linked library has the module (it is written module by module).
need <- function(expr) {
  ok <- tryCatch({ force(expr); TRUE }, error = function(e) !grepl("this libpanalyzer has no", conditionMessage(e)))
  if (!ok) skip("module not in this libpanalyzer")
}

shared_file <- function(rel) {
  base <- Sys.getenv("PA_SHARED_DATA")
  p <- file.path(base, rel)
  if (!nzchar(base) || !file.exists(p)) skip(paste("shared data absent:", rel))
  p
}
