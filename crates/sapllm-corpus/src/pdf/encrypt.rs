//! PDF Standard security handler, revision 2 (RC4, 40-bit key), with its own MD5 and RC4.
//!
//! The samples need one PDF that cannot be opened without a user password, to test that the
//! pipeline reports "encrypted" instead of crashing. Revision 2 is the oldest and simplest
//! scheme every reader supports; MD5 and RC4 are a few dozen lines each, so we implement them
//! here rather than pull in crypto crates for a test fixture. (Neither is secure; they do not
//! need to be.)

/// The 32-byte padding string of the PDF spec (ISO 32000-1, 7.6.3.3, algorithm 2 step a).
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

/// Permissions word: everything allowed once opened (the point is the user password).
pub const PERMISSIONS: i32 = -44;

/// Keys and dictionary values of one encrypted document.
#[derive(Debug, Clone)]
pub struct StandardSecurity {
    /// The 5-byte file key (algorithm 2).
    key: [u8; 5],
    /// `/O` entry.
    pub owner_entry: [u8; 32],
    /// `/U` entry.
    pub user_entry: [u8; 32],
}

impl StandardSecurity {
    /// Derives `/O`, `/U` and the file key from the passwords and the first file ID.
    pub fn new(user_password: &str, owner_password: &str, file_id: &[u8]) -> Self {
        let user_padded = pad_password(user_password);
        let owner_source = if owner_password.is_empty() {
            user_password
        } else {
            owner_password
        };
        // Algorithm 3: /O is the padded user password encrypted with a key from the owner one.
        let owner_hash = md5(&pad_password(owner_source));
        let mut owner_entry = user_padded;
        rc4(&owner_hash[..5], &mut owner_entry);
        // Algorithm 2: the file key.
        let mut input = Vec::with_capacity(32 + 32 + 4 + file_id.len());
        input.extend_from_slice(&user_padded);
        input.extend_from_slice(&owner_entry);
        input.extend_from_slice(&PERMISSIONS.to_le_bytes());
        input.extend_from_slice(file_id);
        let digest = md5(&input);
        let mut key = [0u8; 5];
        key.copy_from_slice(&digest[..5]);
        // Algorithm 4 (revision 2): /U is the padding string encrypted with the file key.
        let mut user_entry = PAD;
        rc4(&key, &mut user_entry);
        Self {
            key,
            owner_entry,
            user_entry,
        }
    }

    /// Encrypts a string or stream of object `num` (generation 0) in place (algorithm 1).
    pub fn encrypt(&self, num: u32, data: &mut [u8]) {
        let mut input = [0u8; 10];
        input[..5].copy_from_slice(&self.key);
        input[5..8].copy_from_slice(&num.to_le_bytes()[..3]);
        // Generation number is always 0 here: bytes 8..10 stay zero.
        let digest = md5(&input);
        rc4(&digest[..10], data);
    }
}

fn pad_password(password: &str) -> [u8; 32] {
    let bytes = crate::pdf::fonts::encode_win_ansi(password);
    let mut out = PAD;
    let n = bytes.len().min(32);
    out[..n].copy_from_slice(&bytes[..n]);
    out[n..].copy_from_slice(&PAD[..32 - n]);
    out
}

/// RC4 stream cipher (encryption and decryption are the same operation).
pub fn rc4(key: &[u8], data: &mut [u8]) {
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    let mut j: u8 = 0;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, j as usize);
    }
    let (mut i, mut j) = (0u8, 0u8);
    for byte in data.iter_mut() {
        i = i.wrapping_add(1);
        j = j.wrapping_add(s[i as usize]);
        s.swap(i as usize, j as usize);
        *byte ^= s[s[i as usize].wrapping_add(s[j as usize]) as usize];
    }
}

/// Per-round shift amounts of MD5 (RFC 1321).
const MD5_S: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// MD5 constants floor(|sin(i + 1)| * 2^32), written out so no floating point is involved.
const MD5_K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

/// MD5 digest (RFC 1321).
pub fn md5(data: &[u8]) -> [u8; 16] {
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());

    let mut h: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for chunk in msg.chunks_exact(64) {
        let m: [u32; 16] = std::array::from_fn(|i| {
            u32::from_le_bytes([
                chunk[4 * i],
                chunk[4 * i + 1],
                chunk[4 * i + 2],
                chunk[4 * i + 3],
            ])
        });
        let [mut a, mut b, mut c, mut d] = h;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let rotated = a.wrapping_add(f).wrapping_add(MD5_K[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(rotated.rotate_left(MD5_S[i]));
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, word) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&word.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_rfc_1321() {
        assert_eq!(hex::encode(md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex::encode(md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex::encode(md5(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn rc4_matches_known_vectors() {
        let mut data = *b"Plaintext";
        rc4(b"Key", &mut data);
        assert_eq!(hex::encode_upper(data), "BBF316E8D940AF0AD3");
        let mut data = *b"Attack at dawn";
        rc4(b"Secret", &mut data);
        assert_eq!(hex::encode_upper(data), "45A01F645FC35B383552544B9BF5");
        rc4(b"Secret", &mut data);
        assert_eq!(&data, b"Attack at dawn");
    }

    #[test]
    fn user_entry_is_reproducible_from_the_user_password() {
        // What a reader does to check a password: recompute /U and compare.
        let id = md5(b"some file");
        let sec = StandardSecurity::new("sapllm", "owner", &id);
        let again = StandardSecurity::new("sapllm", "owner", &id);
        assert_eq!(sec.user_entry, again.user_entry);
        let wrong = StandardSecurity::new("wrong", "owner", &id);
        assert_ne!(sec.user_entry, wrong.user_entry);
    }
}
