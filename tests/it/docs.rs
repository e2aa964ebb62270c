//! The README stays true: every diagnostic code is in its table, with its severity.

use cabinet::diag::Code;

#[test]
fn the_readme_lists_every_diagnostic_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for code in Code::ALL {
        let row = format!(
            "| `{}` | {} | {} |",
            code.as_str(),
            code.default_severity(),
            code.description()
        );
        assert!(readme.contains(&row), "README lacks the row:\n{row}");
    }
}
