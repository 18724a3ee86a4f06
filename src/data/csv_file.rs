//! Data files: CSV with the header `x1,x2,label,split`, rows kept in file order.

use std::io::{Read, Write};
use std::path::Path;

use super::{Data, Example, MAX_CLASSES, Problem, class_label};
use crate::limits::{FileKind, MAX_DATA_ROWS, quote};

/// Why a data file could not be used. Every variant names the file and, where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum DataFileError {
    #[error("{file}: cannot read: {reason}")]
    Io { file: String, reason: String },
    /// Refused before reading (not a regular file, too big): the message names the file.
    #[error("{0}")]
    Refused(String),
    #[error(
        "{file}: more than {MAX_DATA_ROWS} rows (the most a data file may have; the Playground's datasets have 500)"
    )]
    TooManyRows { file: String },
    #[error(
        "{file}: line 1: the header must name the columns x1,x2,label and, if it likes, split (found: {found})"
    )]
    Header { file: String, found: String },
    #[error("{file}: line {line}: {what}")]
    Row {
        file: String,
        line: u64,
        what: String,
    },
    #[error("{file}: no rows with split \"{split}\": a run needs both a training and a test set")]
    EmptySplit { file: String, split: &'static str },
    #[error(
        "{file}: {rows} row(s) and no split column: a run needs at least one training and one test point (add a split column of train and test, or more rows)"
    )]
    TooFewRows { file: String, rows: usize },
}

/// A loaded data file: the data and the file line of every example (for later messages).
#[derive(Debug, Clone)]
pub struct DataFile {
    pub name: String,
    pub data: Data,
    pub train_lines: Vec<u64>,
    pub test_lines: Vec<u64>,
}

impl DataFile {
    /// Whether the labels can be those of a classification: two classes (+1 / -1, or 0 / 1)
    /// or several (0..k-1).
    pub fn is_classification(&self) -> bool {
        self.inferred_classes().is_some()
    }

    /// The number of classes the labels suggest: 2 for +1 / -1 or 0 / 1, k for whole numbers
    /// 0..k-1 (k at most 6); `None` when they look like regression values.
    pub fn inferred_classes(&self) -> Option<usize> {
        let labels = || {
            self.data
                .train
                .iter()
                .chain(&self.data.test)
                .map(|e| e.label)
        };
        if labels().all(|l| l == 1.0 || l == -1.0) {
            return Some(2);
        }
        let whole = labels().all(|l| l >= 0.0 && l.fract() == 0.0 && l < MAX_CLASSES as f64);
        if !whole {
            return None;
        }
        let highest = labels().fold(0.0, f64::max) as usize;
        Some((highest + 1).max(2))
    }

    /// Labels that are class numbers (whole numbers from 0, up to 99) but more classes than
    /// a classification may have: the first label at or over the limit, with its line. Such a
    /// file is refused unless it is meant as a regression.
    pub fn too_many_classes(&self) -> Option<(u64, f64)> {
        let class_like = self
            .labelled_lines()
            .all(|(_, l)| l >= 0.0 && l.fract() == 0.0 && l < 100.0);
        if !class_like {
            return None;
        }
        self.labelled_lines()
            .find(|&(_, l)| l >= MAX_CLASSES as f64)
    }

    /// The largest label.
    pub fn highest_label(&self) -> f64 {
        self.labelled_lines()
            .map(|(_, l)| l)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Every (line, label) in file order.
    fn labelled_lines(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        let train = self.data.train.iter().zip(&self.train_lines);
        let test = self.data.test.iter().zip(&self.test_lines);
        train.chain(test).map(|(e, line)| (*line, e.label))
    }

    /// Checks the labels fit the problem type and class count (two classes: +1 / -1 or 0 / 1;
    /// more: whole numbers 0..k-1), naming the line of the first label that does not.
    pub fn check_problem(&self, problem: Problem, classes: usize) -> Result<(), DataFileError> {
        if problem == Problem::Regression {
            return Ok(());
        }
        let zero_one = classes == 2 && self.labelled_lines().all(|(_, l)| l == 0.0 || l == 1.0);
        let bad = self.labelled_lines().find(|&(_, l)| {
            if classes <= 2 {
                !(l == 1.0 || l == -1.0 || (zero_one && l == 0.0))
            } else {
                !(l >= 0.0 && l.fract() == 0.0 && l < classes as f64)
            }
        });
        if let Some((line, label)) = bad {
            let wanted = if classes <= 2 {
                "+1 or -1 (or 0 and 1 throughout)".to_string()
            } else {
                format!("a class number from 0 to {}", classes - 1)
            };
            return Err(DataFileError::Row {
                file: self.name.clone(),
                line,
                what: format!(
                    "label {label} is not {wanted}, which a {classes}-class classification needs (real-valued labels need a regression problem)"
                ),
            });
        }
        Ok(())
    }

    /// The data with its labels as an experiment of `classes` classes uses them (0 / 1 labels of
    /// two classes become -1 / +1). Call [`Self::check_problem`] first.
    pub fn data_for(&self, problem: Problem, classes: usize) -> Data {
        let zero_one = problem == Problem::Classification
            && classes == 2
            && self.labelled_lines().all(|(_, l)| l == 0.0 || l == 1.0);
        if !zero_one {
            return self.data.clone();
        }
        let relabel = |e: &Example| Example::new(e.x1, e.x2, class_label(e.label as usize, 2));
        Data {
            train: self.data.train.iter().map(relabel).collect(),
            test: self.data.test.iter().map(relabel).collect(),
        }
    }
}

/// Reads a data file from disk (a regular file of at most [`FileKind::Data`]'s size).
pub fn read_data_file(path: &Path) -> Result<DataFile, DataFileError> {
    let name = path.display().to_string();
    let bytes = crate::limits::read_bytes(path, FileKind::Data).map_err(DataFileError::Refused)?;
    read_data(bytes.as_slice(), &name)
}

/// The largest coordinate or label a data file may hold: points live in about -6..6, labels
/// are classes or modest values, and a square of 1e150 still fits in a double.
pub const MAX_VALUE: f64 = 1e12;

/// Reads CSV data from any reader; `name` is used in messages.
pub fn read_data<R: Read>(reader: R, name: &str) -> Result<DataFile, DataFileError> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(reader);
    let io_error = |e: csv::Error| DataFileError::Io {
        file: name.to_string(),
        reason: e.to_string(),
    };
    let headers = csv.headers().map_err(io_error)?.clone();
    let column = |wanted: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(wanted));
    // The split column is optional: without it, about half the rows (chosen by their position,
    // so the same file splits the same way) are test data, as the Playground's default ratio.
    let csplit = column("split");
    let (Some(cx1), Some(cx2), Some(clabel)) = (column("x1"), column("x2"), column("label")) else {
        return Err(DataFileError::Header {
            file: name.to_string(),
            found: crate::limits::shorten_message(
                &headers.iter().collect::<Vec<_>>().join(","),
                crate::limits::QUOTE_CHARS,
            ),
        });
    };
    let mut out = DataFile {
        name: name.to_string(),
        data: Data::default(),
        train_lines: Vec::new(),
        test_lines: Vec::new(),
    };
    for record in csv.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            DataFileError::Row {
                file: name.to_string(),
                line,
                what: e.to_string(),
            }
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let row_error = |what: String| DataFileError::Row {
            file: name.to_string(),
            line,
            what,
        };
        if record.len() != headers.len() {
            // (Counted, never echoed: a row may have thousands of values.)
            return Err(row_error(format!(
                "{} values, but the header has {} columns",
                record.len(),
                headers.len()
            )));
        }
        let number = |col: usize, what: &str| -> Result<f64, DataFileError> {
            let text = &record[col];
            let at = col + 1;
            let value: f64 = text.parse().map_err(|_| {
                row_error(format!(
                    "column {at}: {what} {} is not a number",
                    quote(text)
                ))
            })?;
            if !value.is_finite() {
                return Err(row_error(format!(
                    "column {at}: {what} {} is not a finite number",
                    quote(text)
                )));
            }
            // Beyond this, squares and sums of the values overflow to infinity in training.
            if value.abs() > MAX_VALUE {
                return Err(row_error(format!(
                    "column {at}: {what} {} is too large (at most {MAX_VALUE:e} either way)",
                    quote(text)
                )));
            }
            Ok(value)
        };
        let example = Example::new(
            number(cx1, "x1")?,
            number(cx2, "x2")?,
            number(clabel, "label")?,
        );
        let split = match csplit {
            Some(c) => record[c].to_ascii_lowercase(),
            None if crate::data::drawing::unit(
                out.train_lines.len() as u64 + out.test_lines.len() as u64,
            ) < 0.5 =>
            {
                "test".into()
            }
            None => "train".into(),
        };
        match split.as_str() {
            "train" => {
                out.data.train.push(example);
                out.train_lines.push(line);
            }
            "test" => {
                out.data.test.push(example);
                out.test_lines.push(line);
            }
            other => {
                return Err(row_error(format!(
                    "column {}: split {} must be \"train\" or \"test\"",
                    csplit.map_or(0, |c| c + 1),
                    quote(other)
                )));
            }
        }
        if out.data.train.len() + out.data.test.len() > MAX_DATA_ROWS {
            return Err(DataFileError::TooManyRows {
                file: name.to_string(),
            });
        }
    }
    let rows = out.data.train.len() + out.data.test.len();
    for (set, split) in [(&out.data.train, "train"), (&out.data.test, "test")] {
        if set.is_empty() && csplit.is_none() {
            return Err(DataFileError::TooFewRows {
                file: name.to_string(),
                rows,
            });
        }
        if set.is_empty() {
            return Err(DataFileError::EmptySplit {
                file: name.to_string(),
                split,
            });
        }
    }
    Ok(out)
}

/// Writes data in the same format, training rows first, each set in its order.
pub fn write_data<W: Write>(data: &Data, writer: W) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    csv.write_record(["x1", "x2", "label", "split"])?;
    for (rows, split) in [(&data.train, "train"), (&data.test, "test")] {
        for e in rows {
            csv.write_record([
                e.x1.to_string(),
                e.x2.to_string(),
                e.label.to_string(),
                split.to_string(),
            ])?;
        }
    }
    csv.flush()
}
