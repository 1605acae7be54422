declare module 'virtual:spec-constraints' {
  const constraints: Record<string, unknown>
  export default constraints
}
