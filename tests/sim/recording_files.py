"""Recordings in the formats runners own, written from generated fixes for the tests.

FIT is written by fit-tool (a maintained FIT encoder: header, definitions,
developer data, CRC), TCX with lxml, so the readers under test meet files they
did not write themselves; NMEA logs are what sim.nmea makes of fixes, as a receiver would say them.
"""

from __future__ import annotations

from typing import Sequence

from lxml import etree

from pacer.events import Fix

TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
TPX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


def fit_bytes(
    fixes: Sequence[Fix],
    *,
    paused: tuple[float, float] | None = None,
    speed_field: str = "enhanced_speed",
    developer: bool = False,
) -> bytes:
    """An activity FIT file of `fixes`: a record per fix with its position (semicircles on the
    wire), time and speed in `speed_field`. `paused=(stop_s, start_s)` writes timer stop and
    start events there; records between them stay in the file, as some watches keep them.
    `developer` adds a Connect IQ-style developer field to every record."""
    from fit_tool.base_type import BaseType
    from fit_tool.developer_field import DeveloperField
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.developer_data_id_message import DeveloperDataIdMessage
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.field_description_message import FieldDescriptionMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.profile_type import Event, EventType, FileType, Manufacturer

    def ms(t_s: float) -> int:
        return round(t_s * 1000)

    def timer(t_s: float, kind: EventType) -> EventMessage:
        event = EventMessage()
        event.event, event.event_type, event.timestamp = Event.TIMER, kind, ms(t_s)
        return event

    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type, file_id.manufacturer, file_id.product = FileType.ACTIVITY, Manufacturer.DEVELOPMENT.value, 1
    file_id.time_created, file_id.serial_number = ms(fixes[0].t_s), 0x1234
    builder.add(file_id)
    if developer:
        app = DeveloperDataIdMessage()
        app.application_id, app.developer_data_index = b"pacer-test-app00", 0
        builder.add(app)
        field = FieldDescriptionMessage()
        field.developer_data_index, field.field_definition_number = 0, 0
        field.fit_base_type_id, field.field_name, field.units = BaseType.UINT16, "stride_mm", "mm"
        builder.add(field)
    builder.add(timer(fixes[0].t_s, EventType.START))
    for fix in fixes:
        if paused and fix.t_s == paused[0]:
            builder.add(timer(fix.t_s, EventType.STOP_ALL))
        if paused and fix.t_s == paused[1]:
            builder.add(timer(fix.t_s, EventType.START))
        dev_fields = []
        if developer:
            stride = DeveloperField(developer_data_index=0, field_id=0, size=2, base_type=BaseType.UINT16)
            stride.set_value(0, 1234)
            dev_fields.append(stride)
        record = RecordMessage(developer_fields=dev_fields)
        record.timestamp = ms(fix.t_s)
        record.position_lat, record.position_long = fix.lat_deg, fix.lon_deg
        if fix.alt_m is not None:
            record.altitude = fix.alt_m
        if fix.speed_mps is not None:
            setattr(record, speed_field, fix.speed_mps)
        builder.add(record)
    builder.add(timer(fixes[-1].t_s, EventType.STOP_ALL))
    return builder.build().to_bytes()


def tcx_bytes(fixes: Sequence[Fix]) -> bytes:
    """A TCX activity of `fixes`, speed in the TPX extension (m/s), as Garmin Connect exports it."""
    from datetime import datetime, timezone

    def iso(t_s: float) -> str:
        return datetime.fromtimestamp(t_s, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    root = etree.Element(f"{{{TCX_NS}}}TrainingCenterDatabase", nsmap={None: TCX_NS, "ns3": TPX_NS})
    activity = etree.SubElement(etree.SubElement(root, f"{{{TCX_NS}}}Activities"), f"{{{TCX_NS}}}Activity", Sport="Running")
    etree.SubElement(activity, f"{{{TCX_NS}}}Id").text = iso(fixes[0].t_s)
    lap = etree.SubElement(activity, f"{{{TCX_NS}}}Lap", StartTime=iso(fixes[0].t_s))
    track = etree.SubElement(lap, f"{{{TCX_NS}}}Track")
    for fix in fixes:
        tp = etree.SubElement(track, f"{{{TCX_NS}}}Trackpoint")
        etree.SubElement(tp, f"{{{TCX_NS}}}Time").text = iso(fix.t_s)
        pos = etree.SubElement(tp, f"{{{TCX_NS}}}Position")
        etree.SubElement(pos, f"{{{TCX_NS}}}LatitudeDegrees").text = f"{fix.lat_deg:.8f}"
        etree.SubElement(pos, f"{{{TCX_NS}}}LongitudeDegrees").text = f"{fix.lon_deg:.8f}"
        if fix.alt_m is not None:
            etree.SubElement(tp, f"{{{TCX_NS}}}AltitudeMeters").text = f"{fix.alt_m:.2f}"
        if fix.speed_mps is not None:
            ext = etree.SubElement(tp, f"{{{TCX_NS}}}Extensions")
            etree.SubElement(etree.SubElement(ext, f"{{{TPX_NS}}}TPX"), f"{{{TPX_NS}}}Speed").text = f"{fix.speed_mps:.3f}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def nmea_log_text(fixes: Sequence[Fix]) -> str:
    """What a receiver says for `fixes` (RMC + GGA each), behind a gpsd-style comment, with a
    dash cam's own sentence, unknown to everyone, after the first epoch."""
    from sim.nmea import fix_sentences

    lines = ["# a gpsd-style comment"]
    for k, fix in enumerate(fixes):
        lines += fix_sentences(fix)
        if k == 0:
            lines.append("$GSENSORD,-0.120,-0.060,0.060")
    return "\n".join(lines) + "\n"
