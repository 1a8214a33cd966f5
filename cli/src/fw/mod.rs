//! The firmware commands: `sign`, `verify`, `inspect`, `endorse`, on top of
//! `pqhybrid::firmware`. Files are streamed: neither signing nor verification reads a whole
//! image into memory.
//!
//! One module per job: `policy` (what a device accepts, as named on the command line), `sign`,
//! `verify`, `inspect`, `endorse`; `report` holds the words the messages share and `io` the
//! chunked file reading.

mod encryption;
mod endorse;
mod inspect;
mod io;
mod policy;
mod report;
mod sign;
mod verify;

pub use encryption::{EncryptTo, decrypt, decrypt_file, encrypt_file};
pub use endorse::{endorse, endorse_key};
pub use inspect::inspect;
pub use policy::{
    VerifyRequest, firmware_algorithms, fw_anchors, key_id, key_id_of_file, parse_trailer_capacity,
    require_firmware_key,
};
pub use report::family_name;
pub use sign::{sign, sign_file};
pub use verify::{VerifyOutcome, load_anchors, request, verify, verify_file};
