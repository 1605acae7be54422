package testkit

// PNGSignature is a customer's signature as the service record carries it:
// a data URL of a real (1×1) PNG image.
const PNGSignature = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
