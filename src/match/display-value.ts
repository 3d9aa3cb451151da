import { printColor, printFluorescence } from '../mapping/index.js';
import type { Fluorescence, PolishedColor } from '../types/diamond.js';

/** A value as a person reads it: colour grades and fluorescence as GIA prints them, measurements in mm. */
export function displayValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  const object = value as Record<string, unknown>;
  try {
    if (object.scale === 'DZ' || object.scale === 'fancy')
      return printColor(object as unknown as PolishedColor);
    if (typeof object.intensity === 'string') return printFluorescence(object as unknown as Fluorescence);
  } catch {
    // A value a platform got wrong still shows, as JSON below.
  }
  if (typeof object.minDiameterMm === 'number')
    return `${String(object.minDiameterMm)} - ${String(object.maxDiameterMm)} x ${String(object.depthMm)} mm`;
  if (typeof object.lengthMm === 'number')
    return `${String(object.lengthMm)} x ${String(object.widthMm)} x ${String(object.depthMm)} mm`;
  return JSON.stringify(value);
}
