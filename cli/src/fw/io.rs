//! Reading files in chunks: the progress bar, short reads, the signature block.

use std::fs::File;
use std::io::{IsTerminal, Read, Seek, SeekFrom};

use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;

use pqhybrid::firmware::{FIXED_HEADER_LEN, Header, MAX_TRAILER_CAPACITY};

use crate::error::{CliError, Result};

/// Read size for streaming files.
pub(super) const CHUNK: usize = 64 * 1024;
/// Images larger than this get a progress bar (when stderr is a terminal).
const PROGRESS_THRESHOLD: u64 = 4 * 1024 * 1024;

pub(super) fn progress_bar(len: u64, what: &str) -> ProgressBar {
    if len <= PROGRESS_THRESHOLD || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

/// The signature block announced by `header`, if the file holds it and it is not larger than
/// any valid one. Unverified.
pub(super) fn read_trailer(file: &mut File, header: &Header, file_len: u64) -> Option<Vec<u8>> {
    let len = usize::try_from(header.trailer_len)
        .ok()
        .filter(|&n| n <= MAX_TRAILER_CAPACITY)?;
    if file_len < header.image_len() {
        return None;
    }
    file.seek(SeekFrom::Start(header.trailer_offset())).ok()?;
    let mut trailer = vec![0u8; len];
    file.read_exact(&mut trailer).ok()?;
    Some(trailer)
}

/// An image file opened for `verify` / `inspect`: the file, its length, and its first
/// [`FIXED_HEADER_LEN`] bytes (fewer if the file is shorter; the count is the second `usize`).
/// A directory or an unreadable file is an error naming the path.
pub(super) fn open_image(path: &Path) -> Result<(File, u64, [u8; FIXED_HEADER_LEN], usize)> {
    let mut file = File::open(path).map_err(|e| CliError::io(path, &e))?;
    let meta = file.metadata().map_err(|e| CliError::io(path, &e))?;
    if meta.is_dir() {
        return Err(CliError::file(path, "is a directory"));
    }
    let mut fixed = [0u8; FIXED_HEADER_LEN];
    let got = read_up_to(&mut file, &mut fixed).map_err(|e| CliError::io(path, &e))?;
    Ok((file, meta.len(), fixed, got))
}

pub(super) fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        let n = file.read(rest)?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}
