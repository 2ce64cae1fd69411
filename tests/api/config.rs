//! README: a bad configuration value stops the process before it listens.
use crate::cli::valet;

#[test]
fn a_bad_value_exits_non_zero_with_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value) in [
        ("VALET_BCRYPT_COST", "99"),
        ("VALET_ADDR", "not-an-address"),
        ("VALET_ACCESS_TOKEN_TTL", "soon"),
        ("VALET_JWT_SECRET", "too-short"),
        ("DATABASE_URL", "mysql://localhost/db"),
        ("VALET_ISSUER", "auth.example.com"),
        ("VALET_METRICS_ADDR", "metrics.example.com"),
        ("VALET_LOG_FORMAT", "yaml"),
    ] {
        let out = valet(dir.path(), &["serve"], "", &[(var, value)]);
        assert!(!out.status.success(), "{var}={value} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(var), "{var}: {err}");
        assert!(
            !err.contains(value) || var != "VALET_JWT_SECRET",
            "secret echoed: {err}"
        );
    }
}

#[test]
fn a_dotenv_file_is_read_and_the_environment_wins_over_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "VALET_BCRYPT_COST=99\n").unwrap();
    let from_file = valet(dir.path(), &["migrate"], "", &[]);
    // The harness sets VALET_BCRYPT_COST=4 in the environment, which wins.
    assert!(from_file.status.success());
    std::fs::write(dir.path().join(".env"), "VALET_ACCESS_TOKEN_TTL=never\n").unwrap();
    let bad = valet(dir.path(), &["migrate"], "", &[]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("VALET_ACCESS_TOKEN_TTL"));
}
