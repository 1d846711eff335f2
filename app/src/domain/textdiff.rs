//! Two texts compared line by line (a plan's version against the one before, a change notice's
//! revision against the one before), as every module shows a difference.
use crate::domain::LineChange;

/// `new` against `old`, line by line, each line with whether it stayed, was added or removed.
pub fn diff_lines(old: &str, new: &str) -> Vec<(LineChange, String)> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| {
            let kind = match c.tag() {
                similar::ChangeTag::Equal => LineChange::Same,
                similar::ChangeTag::Insert => LineChange::Added,
                similar::ChangeTag::Delete => LineChange::Removed,
            };
            (kind, c.value().trim_end_matches(['\n', '\r']).to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_kept_added_and_removed() {
        let d = diff_lines("a\nb\nc\n", "a\nc\nd\n");
        assert_eq!(
            d,
            vec![
                (LineChange::Same, "a".to_string()),
                (LineChange::Removed, "b".to_string()),
                (LineChange::Same, "c".to_string()),
                (LineChange::Added, "d".to_string()),
            ]
        );
        assert!(diff_lines("", "").is_empty());
    }
}
