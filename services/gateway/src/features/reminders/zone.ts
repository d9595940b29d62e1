/**
 * Time zones by their IANA names, through the runtime's Intl (its time zone database): whether a name
 * is one, its canonical spelling, a zone's UTC offset at an instant, and a time as the zone's clock shows it.
 */

/** The canonical name of an IANA time zone (`europe/moscow` → `Europe/Moscow`), or undefined. */
export function canonicalZone(name: string): string | undefined {
  const trimmed = name.trim();
  // Intl also takes offsets such as "+03:00"; a user's zone is a name, so that its DST rules apply.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(trimmed)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The zone's offset from UTC at `at`, in minutes (east positive: Moscow +180). */
export function offsetMinutes(zone: string, at: Date): number {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(at)
      .find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0; // "GMT": UTC itself
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

/** `YYYY-MM-DD HH:MM` on the zone's clock (seconds are shown only when the time has them). */
export function formatInZone(date: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const seconds = date.getUTCSeconds() === 0 ? "" : `:${parts.second}`;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${seconds}`;
}
