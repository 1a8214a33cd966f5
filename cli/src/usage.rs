//! Argument errors as one line: clap's multi-line error blocks (message, tips, usage, "For more
//! information") become `<message>[; <suggestion>] (try `pqhybrid <command> --help`)`, and a
//! missing command lists the commands instead of printing the whole help.

use clap::CommandFactory as _;
use clap::error::{Error, ErrorKind};

use crate::Cli;

/// The one-line text (without the `error: ` prefix) of an argument error. `args` are the
/// command-line arguments after the program name; they name the (sub)command whose help the
/// line points to.
pub fn one_line(e: &Error, args: &[String]) -> String {
    let root = Cli::command();
    let (path, cmd) = command_path(&root, args);
    let hint = format!("(try `{path} --help`)");
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let names: Vec<&str> = cmd
            .get_subcommands()
            .map(clap::Command::get_name)
            .filter(|n| *n != "help")
            .collect();
        return if names.is_empty() {
            format!("`{path}` needs arguments {hint}")
        } else {
            format!("`{path}` needs a command: {} {hint}", names.join(", "))
        };
    }
    let rendered = e.render().to_string();
    let text = rendered.trim_start();
    let text = text.strip_prefix("error:").unwrap_or(text);
    let mut paragraphs = text.split("\n\n");
    let mut line = join_lines(paragraphs.next().unwrap_or_default());
    // clap's "did you mean" tips; other tips (`-- --flag`) and the usage block are dropped.
    for tip in paragraphs
        .flat_map(str::lines)
        .filter_map(|l| l.trim().strip_prefix("tip:"))
        .filter(|t| t.contains("similar"))
    {
        line.push_str("; ");
        line.push_str(tip.trim());
    }
    if line.is_empty() {
        line = "bad arguments".into();
    }
    format!("{line} {hint}")
}

/// The first line, then the indented lines of a clap message (required arguments, possible
/// values) as a comma-separated list.
fn join_lines(paragraph: &str) -> String {
    let mut lines = paragraph.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut out = lines.next().unwrap_or_default().to_owned();
    let rest: Vec<&str> = lines.collect();
    if !rest.is_empty() {
        out.push(' ');
        out.push_str(&rest.join(", "));
    }
    out
}

/// `pqhybrid` and the subcommands named in `args` (`pqhybrid trust-store add`), and the
/// innermost of them.
fn command_path<'a>(root: &'a clap::Command, args: &[String]) -> (String, &'a clap::Command) {
    let mut path = String::from("pqhybrid");
    let mut cmd = root;
    let mut args = args.iter();
    while cmd.has_subcommands() {
        // The first word that is not an option names the subcommand, if it is one.
        let Some(word) = args.find(|a| !a.starts_with('-')) else {
            break;
        };
        let Some(sub) = cmd.find_subcommand(word) else {
            break;
        };
        path.push(' ');
        path.push_str(sub.get_name());
        cmd = sub;
    }
    (path, cmd)
}
