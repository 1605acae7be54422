// Reading a barcode from a camera frame or a photo: the browser's
// BarcodeDetector where it has one (Android, macOS, ChromeOS), otherwise
// ZXing (@zxing/library), loaded only when a scan is first tried.

type Detector = { detect(src: CanvasImageSource): Promise<{ rawValue: string }[]> }
type ZXing = typeof import('@zxing/library')

let detector: Promise<(canvas: HTMLCanvasElement) => Promise<string | null>> | null = null

// reader returns the function that reads one frame.
export function reader(): Promise<(canvas: HTMLCanvasElement) => Promise<string | null>> {
  detector ??= (async () => {
    const BD = (globalThis as { BarcodeDetector?: new () => Detector }).BarcodeDetector
    if (BD) {
      const d = new BD()
      return async (canvas) => (await d.detect(canvas))[0]?.rawValue ?? null
    }
    const z: ZXing = await import('@zxing/library')
    const hints = new Map([[z.DecodeHintType.TRY_HARDER, true]])
    const r = new z.MultiFormatReader()
    r.setHints(hints)
    return async (canvas) => {
      try {
        const bitmap = new z.BinaryBitmap(new z.HybridBinarizer(new z.HTMLCanvasElementLuminanceSource(canvas)))
        return r.decode(bitmap, hints).getText()
      } catch {
        return null // no barcode in this frame
      }
    }
  })()
  return detector
}

// readImage reads a barcode from a photo the technician took.
export async function readImage(file: Blob): Promise<string | null> {
  const img = await createImageBitmap(file)
  const canvas = document.createElement('canvas')
  const scale = Math.min(1, 1600 / Math.max(img.width, img.height))
  canvas.width = Math.round(img.width * scale)
  canvas.height = Math.round(img.height * scale)
  canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height)
  return (await reader())(canvas)
}
