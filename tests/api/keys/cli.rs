//! `valet keys list | rotate [--now] | revoke KID`, run as the real binary.
use crate::cli::valet;

fn lines(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn list(dir: &std::path::Path) -> Vec<Vec<String>> {
    let output = valet(dir, &["keys", "list"], "", &[]);
    assert!(output.status.success(), "{output:?}");
    lines(&output)
        .iter()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn keys_can_be_listed_rotated_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(valet(dir.path(), &["migrate"], "", &[]).status.success());
    // The first rotation on an empty database signs at once.
    let first = valet(dir.path(), &["keys", "rotate"], "", &[]);
    assert!(first.status.success(), "{first:?}");
    let keys = list(dir.path());
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0][1].as_str(), keys[0][2].as_str()),
        ("RS256", "active")
    );
    let old = keys[0][0].clone();

    let later = valet(
        dir.path(),
        &["keys", "rotate"],
        "",
        &[("VALET_SIGNING_ALG", "ES256")],
    );
    assert!(lines(&later)[0].contains("(ES256)"), "{later:?}");
    let states: Vec<String> = list(dir.path()).iter().map(|k| k[2].clone()).collect();
    assert_eq!(states, ["active", "next"]);

    let now = valet(dir.path(), &["keys", "rotate", "--now"], "", &[]);
    assert!(now.status.success());
    let states: Vec<String> = list(dir.path()).iter().map(|k| k[2].clone()).collect();
    assert_eq!(states, ["retired", "retired", "active"]);

    let signing = list(dir.path())[2][0].clone();
    let refused = valet(dir.path(), &["keys", "revoke", &signing], "", &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr)
            .trim_end()
            .lines()
            .count(),
        1
    );
    let unknown = valet(dir.path(), &["keys", "revoke", "no-such-kid"], "", &[]);
    assert_eq!(unknown.status.code(), Some(1));

    assert!(valet(dir.path(), &["keys", "revoke", &old], "", &[])
        .status
        .success());
    let keys = list(dir.path());
    assert_eq!(
        (keys[0][0].as_str(), keys[0][2].as_str()),
        (old.as_str(), "revoked")
    );
}
