//! The one CSV writer every export uses: a UTF-8 BOM (so spreadsheet programs read Chinese right),
//! quoting by the csv crate, every cell neutralised against formula injection, and the download's
//! headers with its file name.
use std::borrow::Cow;

use axum::{
    http::header,
    response::{IntoResponse, Response},
};

use super::{ServiceError, ServiceResult};

/// A CSV file being written in memory.
pub struct CsvExport {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvExport {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvExport {
    pub fn new() -> Self {
        CsvExport { writer: csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]) }
    }

    /// Writes one record; each cell passes through [`neutralise`].
    pub fn row<I, S>(&mut self, cells: I) -> ServiceResult<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<Cow<'_, str>> =
            cells.into_iter().map(|c| Cow::Owned(neutralise(c.as_ref()).into_owned())).collect();
        self.writer
            .write_record(cells.iter().map(|c| c.as_ref()))
            .map_err(|e| ServiceError::Internal(format!("csv: {e}")))
    }

    pub fn finish(self) -> ServiceResult<Vec<u8>> {
        self.writer.into_inner().map_err(|e| ServiceError::Internal(format!("csv: {e}")))
    }
}

/// A cell a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading apostrophe, so it shows as the text it is (OWASP's advice).
/// Anything else is left as it is.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The download: CSV content type, an attachment named `{stem}-{day}.csv`, not to be stored.
pub fn csv_response(stem: &str, day: time::Date, bytes: impl Into<axum::body::Body>) -> Response {
    let name: String = stem.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}-{day}.csv\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_the_file_starts_with_a_bom() {
        let mut w = CsvExport::new();
        w.row(["=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", ""]).unwrap();
        let bytes = w.finish().unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        let cells: Vec<&str> = rec.iter().collect();
        assert_eq!(
            cells,
            ["'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain", "a=b", ""]
        );
    }
}
