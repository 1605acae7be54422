import { onBeforeUnmount, onMounted } from 'vue'

// usePolling runs round every ms while the component is shown, the first
// time ms after it is mounted; a round starts only after the previous one
// ended (a slow network never piles them up), a failed round is retried on
// the next, and nothing runs once the page is left.
export function usePolling(round: () => Promise<unknown>, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let left = false
  async function tick() {
    await round().catch(() => undefined)
    if (!left) timer = setTimeout(tick, ms)
  }
  onMounted(() => { timer = setTimeout(tick, ms) })
  onBeforeUnmount(() => {
    left = true
    clearTimeout(timer)
  })
}
