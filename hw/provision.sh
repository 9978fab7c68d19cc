#!/usr/bin/env bash
# Provision a Raspberry Pi (Raspberry Pi OS Bookworm) as a pacer: I2C at 400 kHz for
# the OLED, the PL011 UART for the GPS receiver, gpsd, the receiver's rate and dynamic
# model (u-blox, via ubxtool), the `pacer` user, pacer in /opt/pacer/venv, its config
# and its systemd unit. Safe to run again. See hw/README.md.
#
#   sudo hw/provision.sh                 # everything; reboot once when it says so
#   sudo hw/provision.sh --receiver-only # after the reboot: configure the GPS receiver
#   hw/provision.sh --dry-run            # print every command, change nothing (no root)

set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${SCRIPT_DIR}/.." && pwd)"
DRY_RUN=0
RECEIVER_ONLY=0
RATE_HZ=5
DYN_MODEL=4            # u-blox dynamic platform model: 4 = automotive (see hw/README.md)
UBX_PROTVER=18         # 18: M8; 27 or more: M9/M10 (configured through CFG-VALSET keys)
GPS_BAUD=115200        # 9600 baud cannot carry RMC+GGA+GSA+GSV at 5-10 Hz
GPS_DEVICE=/dev/serial0
PREFIX=/opt/pacer
CONFIG_EXAMPLE="${REPO}/hw/pacer.example.toml"
UNIT_SOURCE="${REPO}/systemd/pacer.service"

usage() {
    cat <<EOF
usage: $0 [--dry-run] [--receiver-only] [--rate-hz 1-10] [--model N] [--protver N]
          [--repo PATH] [--config-example FILE]
  --dry-run         print every command instead of running it (no root needed)
  --receiver-only   only configure the GPS receiver (needs gpsd running on ${GPS_DEVICE})
  --rate-hz N       receiver navigation rate, default ${RATE_HZ}
  --model N         u-blox dynamic model, default ${DYN_MODEL} (0 portable, 3 pedestrian, 4 automotive)
  --protver N       u-blox protocol version, default ${UBX_PROTVER} (M8); use 27+ for M9/M10
  --repo PATH       the pacer source tree to install, default ${REPO}
  --config-example FILE  copied to /etc/pacer/pacer.toml when that file is absent
EOF
}

die() {
    echo "provision: $*" >&2
    exit 1
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --receiver-only) RECEIVER_ONLY=1 ;;
        --rate-hz) RATE_HZ="${2:?--rate-hz needs a value}"; shift ;;
        --model) DYN_MODEL="${2:?--model needs a value}"; shift ;;
        --protver) UBX_PROTVER="${2:?--protver needs a value}"; shift ;;
        --repo) REPO="${2:?--repo needs a value}"; shift ;;
        --config-example) CONFIG_EXAMPLE="${2:?--config-example needs a value}"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
done

[[ "${RATE_HZ}" =~ ^([1-9]|10)$ ]] || die "--rate-hz must be a whole number from 1 to 10, got ${RATE_HZ}"
[[ "${DYN_MODEL}" =~ ^[0-9]+$ ]] || die "--model must be a number, got ${DYN_MODEL}"
[[ "${UBX_PROTVER}" =~ ^[0-9]+$ ]] || die "--protver must be a number, got ${UBX_PROTVER}"
if [[ "${DRY_RUN}" -eq 0 && "${EUID}" -ne 0 ]]; then
    die "run as root (sudo), or with --dry-run to see what it would do"
fi

# run CMD...: run a command, or print it in a dry run.
run() {
    if [[ "${DRY_RUN}" -eq 1 ]]; then
        local arg line="+"
        for arg in "$@"; do
            if [[ "${arg}" =~ [[:space:]\'\"] ]]; then
                line+=" $(printf '%q' "${arg}")"
            else
                line+=" ${arg}"
            fi
        done
        printf '%s\n' "${line}"
    else
        "$@"
    fi
}

# write_file PATH MODE: write stdin to PATH (or print it in a dry run).
write_file() {
    local path="$1" mode="$2" content
    content="$(cat)"
    if [[ "${DRY_RUN}" -eq 1 ]]; then
        printf '+ write %s (mode %s):\n%s\n' "${path}" "${mode}" "${content}"
    else
        printf '%s\n' "${content}" >"${path}"
        chmod "${mode}" "${path}"
    fi
}

# ensure_line FILE LINE: append LINE to FILE unless it is already there.
ensure_line() {
    local file="$1" line="$2"
    if [[ "${DRY_RUN}" -eq 1 ]]; then
        printf '+ ensure line in %s: %s\n' "${file}" "${line}"
    elif ! grep -qxF -- "${line}" "${file}"; then
        printf '%s\n' "${line}" >>"${file}"
    fi
}

boot_config() {
    # Bookworm moved config.txt to /boot/firmware; older images keep /boot.
    if [[ -f /boot/firmware/config.txt ]]; then
        echo /boot/firmware/config.txt
    else
        echo /boot/config.txt
    fi
}

step() {
    printf '\n== %s\n' "$*"
}

enable_interfaces() {
    local config
    config="$(boot_config)"
    step "I2C at 400 kHz for the OLED (${config})"
    if command -v raspi-config >/dev/null || [[ "${DRY_RUN}" -eq 1 ]]; then
        run raspi-config nonint do_i2c 0
    fi
    ensure_line "${config}" "dtparam=i2c_arm=on"
    ensure_line "${config}" "dtparam=i2c_arm_baudrate=400000"

    step "UART on GPIO14/15 for the GPS receiver, no serial console, no Bluetooth on it"
    if command -v raspi-config >/dev/null || [[ "${DRY_RUN}" -eq 1 ]]; then
        run raspi-config nonint do_serial_cons 1
        run raspi-config nonint do_serial_hw 0
    fi
    ensure_line "${config}" "enable_uart=1"
    # The PL011 UART goes to the GPIO pins; the mini UART's clock drifts with the CPU.
    ensure_line "${config}" "dtoverlay=disable-bt"
    # Pi models without Bluetooth have no hciuart unit; that is fine.
    run systemctl disable --now hciuart.service || echo "provision: no hciuart.service to disable"
}

install_packages() {
    step "Packages: gpsd, ubxtool (gpsd-clients), Python venv, GPIO library, I2C tools"
    run apt-get update
    run apt-get install -y gpsd gpsd-clients python3-venv python3-dev swig liblgpio-dev i2c-tools
}

configure_gpsd() {
    step "gpsd reads ${GPS_DEVICE} from boot (-n: poll the receiver before any client)"
    write_file /etc/default/gpsd 0644 <<EOF
# Written by pacer's hw/provision.sh
START_DAEMON="true"
USBAUTO="false"
DEVICES="${GPS_DEVICE}"
GPSD_OPTIONS="-n"
EOF
    run systemctl enable gpsd.socket gpsd.service
    run systemctl restart gpsd.service
}

configure_receiver() {
    local period_ms=$((1000 / RATE_HZ))
    step "u-blox receiver: ${GPS_BAUD} baud, ${RATE_HZ} Hz (${period_ms} ms), dynamic model ${DYN_MODEL}"
    if [[ "${DRY_RUN}" -eq 0 && ! -e "${GPS_DEVICE}" ]]; then
        echo "provision: ${GPS_DEVICE} does not exist yet; reboot, then run: $0 --receiver-only" >&2
        return 0
    fi
    run ubxtool -P "${UBX_PROTVER}" -S "${GPS_BAUD}"
    if [[ "${UBX_PROTVER}" -ge 27 ]]; then
        # M9/M10: configuration keys, stored in RAM and battery-backed RAM (layers 1+2).
        run ubxtool -P "${UBX_PROTVER}" -z "CFG-RATE-MEAS,${period_ms},3"
        run ubxtool -P "${UBX_PROTVER}" -z "CFG-NAVSPG-DYNMODEL,${DYN_MODEL},3"
    else
        # M8: the legacy messages, then save to battery-backed RAM / flash.
        run ubxtool -P "${UBX_PROTVER}" -p "CFG-RATE,${period_ms}"
        run ubxtool -P "${UBX_PROTVER}" -p "MODEL,${DYN_MODEL}"
        run ubxtool -P "${UBX_PROTVER}" -p SAVE
    fi
}

create_user() {
    step "The unprivileged 'pacer' user, in groups gpio, i2c and dialout"
    if [[ "${DRY_RUN}" -eq 1 ]] || ! id -u pacer >/dev/null 2>&1; then
        run useradd --system --user-group --home-dir /var/lib/pacer --no-create-home --shell /usr/sbin/nologin pacer
    fi
    run usermod --append --groups gpio,i2c,dialout pacer
}

install_pacer() {
    step "pacer in a virtual environment at ${PREFIX}/venv (from ${REPO})"
    [[ "${DRY_RUN}" -eq 1 || -f "${REPO}/pyproject.toml" ]] || die "no pyproject.toml in ${REPO}; use --repo"
    run install -d -m 0755 "${PREFIX}"
    run python3 -m venv "${PREFIX}/venv"
    run "${PREFIX}/venv/bin/pip" install --upgrade pip
    run "${PREFIX}/venv/bin/pip" install "${REPO}[pi]"

    step "Configuration in /etc/pacer/pacer.toml (kept if it exists)"
    run install -d -m 0755 /etc/pacer
    if [[ "${DRY_RUN}" -eq 1 || ! -e /etc/pacer/pacer.toml ]]; then
        [[ "${DRY_RUN}" -eq 1 || -f "${CONFIG_EXAMPLE}" ]] || die "no example config at ${CONFIG_EXAMPLE}; use --config-example"
        run install -m 0644 "${CONFIG_EXAMPLE}" /etc/pacer/pacer.toml
    fi
}

install_unit() {
    step "The systemd unit: start pacer at boot"
    run install -m 0644 "${UNIT_SOURCE}" /etc/systemd/system/pacer.service
    run systemctl daemon-reload
    run systemctl enable pacer.service
}

main() {
    if [[ "${DRY_RUN}" -eq 1 ]]; then
        echo "provision: dry run, nothing is changed"
    fi
    if [[ "${RECEIVER_ONLY}" -eq 1 ]]; then
        configure_receiver
        return 0
    fi
    install_packages
    enable_interfaces
    configure_gpsd
    create_user
    install_pacer
    install_unit
    configure_receiver
    step "Done. Reboot once for I2C and the UART: sudo reboot"
}

main
