//! Pictures for tests of what a file may declare: shared by the core's unit tests, the
//! hostile-input suite and the game's tests (included with `#[path]`, so no crate exports it).

/// A PNG that declares `width` x `height` pixels (a real header, its checksum right) and holds
/// nothing: a picture bomb is a few dozen bytes that ask for gigabytes.
pub fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let header = [
        &width.to_be_bytes()[..],
        &height.to_be_bytes(),
        &[8, 2, 0, 0, 0],
    ]
    .concat();
    for (kind, data) in [
        (*b"IHDR", header),
        (
            *b"IDAT",
            vec![0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ),
        (*b"IEND", Vec::new()),
    ] {
        out.extend((data.len() as u32).to_be_bytes());
        let body = [&kind[..], &data].concat();
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    out
}

/// PNG's checksum (CRC-32, the polynomial reversed), bit by bit: a few bytes, once.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
