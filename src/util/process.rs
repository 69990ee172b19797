//! Readings of this process and its machine from the operating system: resident memory,
//! open file descriptors, free disk space. Linux readings; elsewhere they read 0.

use std::path::Path;

/// Resident memory of this process (Linux), bytes.
pub fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()))
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// Free and total bytes of the filesystem holding `dir`.
pub fn disk_space(dir: &Path) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
            return (0, 0);
        };
        // SAFETY: statvfs fills the zeroed struct; c is a valid NUL-terminated path.
        let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c.as_ptr(), &mut s) } == 0 {
            return (s.f_bavail as u64 * s.f_frsize as u64, s.f_blocks as u64 * s.f_frsize as u64);
        }
    }
    let _ = dir;
    (0, 0)
}

/// File descriptors this process has open (Linux: the entries of `/proc/self/fd`), 0 when
/// unknown.
pub fn open_fds() -> u64 {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count() as u64).unwrap_or(0)
}

/// The most file descriptors this process may open (its soft `RLIMIT_NOFILE`), 0 when
/// unknown.
pub fn max_fds() -> u64 {
    #[cfg(unix)]
    {
        // SAFETY: getrlimit fills the zeroed struct.
        let mut r: libc::rlimit = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) } == 0 {
            return r.rlim_cur as u64;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_system_readings() {
        #[cfg(target_os = "linux")]
        assert!(rss_bytes() > 0);
        let (free, total) = disk_space(&std::env::temp_dir());
        #[cfg(unix)]
        assert!(total > 0 && free <= total, "{free} / {total}");
        assert_eq!(disk_space(Path::new("/no/such/dir/routex")), (0, 0));
        assert_eq!(disk_space(Path::new("nul\0byte")), (0, 0));
        #[cfg(target_os = "linux")]
        assert!(open_fds() >= 3 && max_fds() >= open_fds(), "{} of {}", open_fds(), max_fds());
    }
}
