//! Data files: CSV with the header `x1,x2,label,split`, rows kept in file order.

use std::io::{Read, Write};
use std::path::Path;

use super::{Data, Example, Problem};

/// Why a data file could not be used. Every variant names the file and, where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum DataFileError {
    #[error("{file}: cannot read: {reason}")]
    Io { file: String, reason: String },
    #[error("{file}: line 1: the header must name the columns x1,x2,label,split (found: {found})")]
    Header { file: String, found: String },
    #[error("{file}: line {line}: {what}")]
    Row {
        file: String,
        line: u64,
        what: String,
    },
    #[error("{file}: no rows with split \"{split}\": a run needs both a training and a test set")]
    EmptySplit { file: String, split: &'static str },
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
    /// Whether every label is +1 or -1, i.e. the file can be a classification set.
    pub fn is_classification(&self) -> bool {
        self.first_non_class_label().is_none()
    }

    fn first_non_class_label(&self) -> Option<(u64, f64)> {
        let train = self.data.train.iter().zip(&self.train_lines);
        let test = self.data.test.iter().zip(&self.test_lines);
        train
            .chain(test)
            .find(|(e, _)| e.label != 1.0 && e.label != -1.0)
            .map(|(e, line)| (*line, e.label))
    }

    /// Checks the labels fit the problem type (classification needs +1 / -1).
    pub fn check_problem(&self, problem: Problem) -> Result<(), DataFileError> {
        if problem == Problem::Classification
            && let Some((line, label)) = self.first_non_class_label()
        {
            return Err(DataFileError::Row {
                file: self.name.clone(),
                line,
                what: format!(
                    "label {label} is not +1 or -1, which classification needs (use --problem regression for real-valued labels)"
                ),
            });
        }
        Ok(())
    }
}

/// Reads a data file from disk.
pub fn read_data_file(path: &Path) -> Result<DataFile, DataFileError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| DataFileError::Io {
        file: name.clone(),
        reason: e.to_string(),
    })?;
    read_data(file, &name)
}

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
    let (Some(cx1), Some(cx2), Some(clabel), Some(csplit)) =
        (column("x1"), column("x2"), column("label"), column("split"))
    else {
        return Err(DataFileError::Header {
            file: name.to_string(),
            found: headers.iter().collect::<Vec<_>>().join(","),
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
            return Err(row_error(format!(
                "{} values, but the header has {} columns",
                record.len(),
                headers.len()
            )));
        }
        let number = |col: usize, what: &str| -> Result<f64, DataFileError> {
            let text = &record[col];
            let value: f64 = text
                .parse()
                .map_err(|_| row_error(format!("{what} \"{text}\" is not a number")))?;
            if !value.is_finite() {
                return Err(row_error(format!(
                    "{what} \"{text}\" is not a finite number"
                )));
            }
            Ok(value)
        };
        let example = Example::new(
            number(cx1, "x1")?,
            number(cx2, "x2")?,
            number(clabel, "label")?,
        );
        match record[csplit].to_ascii_lowercase().as_str() {
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
                    "split \"{other}\" must be \"train\" or \"test\""
                )));
            }
        }
    }
    for (rows, split) in [(&out.data.train, "train"), (&out.data.test, "test")] {
        if rows.is_empty() {
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
