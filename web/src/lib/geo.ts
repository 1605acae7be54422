// currentPosition asks the browser where the phone is; null when it cannot
// tell (no permission, no fix in time). Coordinates are rounded to about
// 10 cm so a queued request is sent with the same body every time.
export function currentPosition(timeoutMs = 10_000): Promise<{ lat: number; lon: number } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null)
  const round = (x: number) => Math.round(x * 1e6) / 1e6
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: round(p.coords.latitude), lon: round(p.coords.longitude) }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    ),
  )
}
