#' Version of the linked libpanalyzer ("0.1.0").
pa_version <- function() .Call(rpa_version)

.df <- function(cols) {
  df <- as.data.frame(cols, stringsAsFactors = FALSE)
  rownames(df) <- NULL
  df
}

#' Read the first structure of a PDB, mmCIF or PDBML file (plain, gzip or zstd).
#'
#' Returns a list of class "panalyzer_structure": name, id, format, models (model
#' numbers), chains and atoms (data frames over all models) and diagnostics (data
#' frame). Coordinates are copied into doubles. Errors carry the library's
#' message and the first error diagnostics.
read_structure <- function(path, format = "auto", altloc = "first",
                           first_model_only = FALSE, skip_hydrogens = FALSE, strict = FALSE) {
  path <- path.expand(as.character(path))
  r <- .Call(rpa_read_structure, path, format, altloc, as.logical(first_model_only),
             as.logical(skip_hydrogens), as.logical(strict))
  t <- .Call(rpa_structure_tables, r$ptr)
  structure(list(name = t$name, id = t$id, format = t$format, models = t$models,
                 chains = .df(t$chains), atoms = .df(t$atoms),
                 diagnostics = .df(r$diagnostics), ptr = r$ptr),
            class = "panalyzer_structure")
}

print.panalyzer_structure <- function(x, ...) {
  cat(sprintf("<panalyzer structure %s (%s): %d model(s), %d chain(s), %d atoms>\n",
              if (nzchar(x$id)) x$id else x$name, x$format, length(x$models),
              sum(x$chains$model == x$models[1]), sum(x$atoms$model == x$models[1])))
  invisible(x)
}
