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

/// The output the README shows after `$ COMMAND`, up to the end of its code block.
fn shown_after(readme: &str, command: &str) -> String {
    let start = readme
        .find(&format!("$ {command}\n"))
        .unwrap_or_else(|| panic!("README does not show `{command}`"));
    let rest = &readme[start + command.len() + 3..];
    rest[..rest.find("```").unwrap()].to_string()
}

#[test]
fn the_readme_shows_real_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let acme = crate::util::examples().join("acme");
    let command = "cabinet -C examples/acme impact ci:pg-main";
    let run = crate::util::run_in(&acme, &["impact", "ci:pg-main"]);
    assert_eq!(
        shown_after(&readme, command),
        run.stdout,
        "README is stale for `{command}`"
    );
    let validate = crate::util::run_in(&acme, &["validate"]);
    assert_eq!(
        shown_after(&readme, "cargo run --locked -- -C examples/acme validate"),
        validate.stdout
    );
}
