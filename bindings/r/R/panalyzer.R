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

#' Chain sequences of a structure read by read_structure().
#'
#' A data frame with one row per chain with a polymer part (first model, or
#' every model with all_models = TRUE): model, chain, polymer_type, sequence
#' (observed residues, one-letter) and seqres (full SEQRES / entity sequence).
sequences <- function(s, all_models = FALSE) {
  stopifnot(inherits(s, "panalyzer_structure"))
  .df(.Call(rpa_sequences, s$ptr, as.logical(all_models)))
}

# Index (0-based, the library's enum value) of a name among choices; a clear error otherwise.
.choice <- function(x, choices, what) {
  if (!is.character(x) || length(x) != 1 || is.na(x) || !(x %in% choices))
    stop(sprintf("%s must be one of %s (got %s)", what,
                 paste0('"', choices, '"', collapse = ", "), deparse(x)), call. = FALSE)
  match(x, choices) - 1L
}

# A non-negative whole number as an integer; a clear error otherwise.
.count <- function(x, what) {
  if (!is.numeric(x) || length(x) != 1 || is.na(x) || x < 0 || x != round(x) ||
      x > .Machine$integer.max)
    stop(sprintf("%s must be a non-negative whole number (got %s)", what, deparse(x)),
         call. = FALSE)
  as.integer(x)
}

.free_end_names <- c("query_start", "query_end", "target_start", "target_end")

# PA_FREE_* bits of free_ends: NULL (all four), names from .free_end_names, or 0..15.
.free_ends <- function(x) {
  if (is.null(x)) return(15L)
  if (is.character(x)) {
    bad <- setdiff(x, .free_end_names)
    if (length(bad) || anyNA(x))
      stop(sprintf("free_ends: names among %s (got %s)",
                   paste0('"', .free_end_names, '"', collapse = ", "), deparse(bad)),
           call. = FALSE)
    return(as.integer(sum(2L^(match(unique(x), .free_end_names) - 1L))))
  }
  v <- .count(x, "free_ends")
  if (v > 15L) stop("free_ends must be between 0 and 15 (PA_FREE_* bits)", call. = FALSE)
  v
}

# align() and align_many(): arguments checked, the library's columns (query last) with
# attribute "kernel".
.align <- function(queries, targets, mode, matrix, gap_open, gap_extend, top_k, threads,
                   gap_model, free_ends, isa, kernel, traceback, chunk) {
  gm <- .choice(gap_model, c("parasail", "blast"), "gap_model")
  fe <- .free_ends(free_ends)
  ia <- .choice(isa, c("auto", "scalar", "sse41", "avx2", "avx512"), "isa")
  kn <- .choice(kernel, c("auto", "inter", "striped"), "kernel")
  if (!is.logical(traceback) || length(traceback) != 1 || is.na(traceback))
    stop("traceback must be TRUE or FALSE", call. = FALSE)
  if (is.character(matrix) && length(matrix) == 1 && !is.na(matrix) && file.exists(matrix))
    matrix <- path.expand(matrix)
  r <- .Call(rpa_align, as.character(queries), as.character(targets), mode, matrix,
             as.integer(gap_open), as.integer(gap_extend), .count(top_k, "top_k"),
             .count(threads, "threads"), gm, fe, ia, kn, traceback, .count(chunk, "chunk"))
  structure(.df(r), kernel = attr(r, "kernel"))
}

#' Align a query against target sequences.
#'
#' A data frame with one row per target (or the top_k best, best first): target
#' (1-based index), score, qstart/qend and tstart/tend (1-based, inclusive; NA
#' when nothing aligns), cigar, identity and similarity. Gap costs: a gap of k
#' residues costs gap_open + (k - 1) * gap_extend (gap_model "blast": gap_open +
#' k * gap_extend). threads > 1 runs the batch on the library's executor. traceback =
#' FALSE reports scores and ends only (qstart, tstart, cigar, identity, similarity NA).
#' isa and kernel force a kernel (results are identical); attribute "kernel" (see
#' align_kernel()) says which ran and why.
align <- function(query, targets, mode = "local", matrix = "BLOSUM62", gap_open = 11L,
                  gap_extend = 1L, top_k = 0L, threads = 1L, gap_model = "parasail",
                  free_ends = NULL, isa = "auto", kernel = "auto", traceback = TRUE,
                  chunk = 0L) {
  if (!is.character(query) || length(query) != 1)
    stop("query must be one sequence (a string); align_many() takes several", call. = FALSE)
  r <- .align(query, targets, mode, matrix, gap_open, gap_extend, top_k, threads, gap_model,
              free_ends, isa, kernel, traceback, chunk)
  r$query <- NULL
  r
}

#' Align every query against every target: align()'s data frame with a first column
#' query (1-based index), rows ordered by query, then as align() orders them.
align_many <- function(queries, targets, mode = "local", matrix = "BLOSUM62", gap_open = 11L,
                       gap_extend = 1L, top_k = 0L, threads = 1L, gap_model = "parasail",
                       free_ends = NULL, isa = "auto", kernel = "auto", traceback = TRUE,
                       chunk = 0L) {
  if (!is.character(queries))
    stop("queries must be a character vector of sequences", call. = FALSE)
  r <- .align(queries, targets, mode, matrix, gap_open, gap_extend, top_k, threads, gap_model,
              free_ends, isa, kernel, traceback, chunk)
  structure(r[c("query", setdiff(names(r), "query"))], kernel = attr(r, "kernel"))
}

#' Which alignment kernel ran and why.
#'
#' With x (a result of align() or align_many()): the kernel of that call (its "kernel"
#' attribute). Without: the last alignment of this R session. "" before the first.
align_kernel <- function(x = NULL) {
  if (is.null(x)) return(.Call(rpa_align_last_kernel))
  k <- attr(x, "kernel", exact = TRUE)
  if (is.null(k)) stop("align_kernel: x is not a result of align()", call. = FALSE)
  k
}

#' Predict 3-state secondary structure (H, E, C) with the built-in model.
#'
#' Returns a character vector (one string per sequence, names kept); with
#' probs = TRUE a list of the strings (ss) and per-sequence L x 3 matrices of H,
#' E, C probabilities (prob). precision: "fp32", "bf16" or "int8" arithmetic of
#' the model's convolutions (fp32 where this CPU has no faster path).
predict_ss <- function(seqs, threads = 1L, probs = FALSE, precision = "fp32") {
  r <- .Call(rpa_predict_ss, as.character(seqs), as.integer(threads), as.logical(probs),
             as.character(precision), FALSE)
  names(r[[1]]) <- names(seqs)
  if (!probs) return(r[[1]])
  prob <- lapply(r[[2]], function(m) { colnames(m) <- c("H", "E", "C"); m })
  list(ss = r[[1]], prob = prob)
}

#' Predict 8-state (DSSP) secondary structure with the built-in model.
#'
#' Returns a character vector of "HGIEBTSC" letters (one string per sequence,
#' names kept); with probs = TRUE a list of the strings (ss8) and per-sequence
#' L x 8 probability matrices (prob). precision as for predict_ss().
predict_ss8 <- function(seqs, threads = 1L, probs = FALSE, precision = "fp32") {
  r <- .Call(rpa_predict_ss, as.character(seqs), as.integer(threads), as.logical(probs),
             as.character(precision), TRUE)
  names(r[[3]]) <- names(seqs)
  if (!probs) return(r[[3]])
  prob <- lapply(r[[4]], function(m) { colnames(m) <- strsplit("HGIEBTSC", "")[[1]]; m })
  list(ss8 = r[[3]], prob = prob)
}

#' Run the multi-threaded pipeline (read, validate, extract sequences) over files.
#'
#' Returns a list of two data frames: files (path, status = 0 or a negative
#' error code, message, format, id, models, chains, residues, atoms, cached), in
#' input order, and chains (path, model, chain, polymer_type, sequence,
#' seqres, ss3). A file that fails does not stop the run. threads: worker threads;
#' chunk: files a worker takes at a time; cache_dir: optional result cache;
#' predict_ss: fill ss3 with each protein chain's predicted secondary structure
#' ("H", "E", "C" per observed residue, as predict_ss() gives it; NA otherwise);
#' precision: the model's arithmetic under predict_ss ("fp32", "bf16", "int8").
run_pipeline <- function(paths, threads = 1L, chunk = 1L, cache_dir = NULL,
                         predict_ss = FALSE, dssp = FALSE, precision = "fp32") {
  paths <- path.expand(as.character(paths))
  r <- .Call(rpa_run_pipeline, paths, as.integer(threads), as.integer(chunk),
             if (is.null(cache_dir)) NULL else as.character(cache_dir),
             isTRUE(as.logical(predict_ss)), isTRUE(as.logical(dssp)),
             as.character(precision))
  list(files = .df(r$files), chains = .df(r$chains))
}

# Secondary structure from coordinates (DSSP 4): one row per residue DSSP assessed
# in model `model` (1-based index) of a structure from read_structure().
dssp <- function(s, model = 1L, accessibility = TRUE) {
  if (!inherits(s, "panalyzer_structure")) stop("dssp: s must come from read_structure()")
  .df(.Call(rpa_dssp, s$ptr, as.integer(model), isTRUE(as.logical(accessibility))))
}

#' Search query sequences against references (a reference index, or references indexed
#' in memory) with a k-mer prefilter and exact Smith-Waterman, and report significant hits.
#'
#' queries: a named character vector of sequences (names are the query ids) or the path
#' of a FASTA file; references: the path of an index ("panalyze index") or FASTA file, or
#' a named character vector. Returns a data frame with one row per hit, the hits of one
#' query best first: query, target, score, bits, evalue, identity, qcov, tcov, qstart,
#' qend, tstart, tend (1-based, inclusive) and cigar. evalue: maximum E-value; top: hits
#' per query (0: all); min_coverage: minimum query coverage; sensitivity: "fast",
#' "default", "high" or "exhaustive"; threads > 1 runs on the library's executor;
#' comp_adjust: composition-based statistics (FALSE: unadjusted E-values).
map_references <- function(queries, references, evalue = 1e-3, top = 10L, min_coverage = 0,
                           sensitivity = "default", threads = 1L, comp_adjust = TRUE) {
  sens <- match(sensitivity, c("fast", "default", "high", "exhaustive"))
  if (is.na(sens)) stop("sensitivity: one of fast, default, high, exhaustive")
  is_path <- function(x) is.character(x) && length(x) == 1 && is.null(names(x)) && file.exists(x)
  qpath <- if (is_path(queries)) path.expand(queries) else NULL
  rpath <- if (is_path(references)) path.expand(references) else NULL
  if (is.null(qpath) && (!is.character(queries) || anyNA(queries)))
    stop("queries: a FASTA path or a character vector of sequences")
  if (is.null(rpath) && (!is.character(references) || anyNA(references)))
    stop("references: an index or FASTA path or a character vector of sequences")
  keep <- function(x) stats::setNames(as.character(x), names(x))  # ids are the names
  .df(.Call(rpa_map_references, qpath, keep(queries), rpath,
            keep(references), as.numeric(evalue), as.integer(top),
            as.numeric(min_coverage), as.integer(sens - 1L), as.integer(threads),
            as.integer(isTRUE(comp_adjust))))
}
