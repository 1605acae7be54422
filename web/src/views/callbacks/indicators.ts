// indicatorName is how an indicator is shown: the tenant's name for it,
// else the portal's for a built-in one, else its key.
export function indicatorName(key: string, labels: Record<string, string> | undefined,
  t: (k: string) => string, te: (k: string) => boolean): string {
  const own = labels?.[key]
  if (own) return own
  return te(`callbacks.indicators.${key}`) ? t(`callbacks.indicators.${key}`) : key
}
