// Several models, one input: the first model whose input schema the records
// fit scores them (the KDD model for KDD files, a traffic model for captures and
// Zeek logs). When none fits, the error names what each model reads.

import type { InputSchema } from '../data/input-schema.ts';
import { missingFeatures } from '../data/input-schema.ts';
import { Detector, SchemaMismatchError } from './detector.ts';

export class DetectorChoice {
  constructor(
    /** In order of preference; the first is the one described when nothing fits. */
    readonly detectors: readonly Detector[],
    /** Where each model lives, for messages ('models/default'); same order. */
    readonly places: readonly string[] = [],
  ) {
    if (detectors.length === 0) throw new RangeError('DetectorChoice needs at least one detector');
  }

  /** The detector for records of `schema`, or a SchemaMismatchError saying which model would fit. */
  forSchema(schema: InputSchema, source?: string): Detector {
    const fit = this.detectors.find((d) => missingFeatures(d.model.preprocessor.schema, schema).length === 0);
    if (fit) {
      fit.checkInput(schema, source);
      return fit;
    }
    const first = this.detectors[0];
    const models = this.detectors.map((d, i) => `${this.places[i] ?? d.model.id} reads ${d.model.preprocessor.schema.name}`).join('; ');
    throw new SchemaMismatchError(
      first.model.id, first.model.preprocessor.schema, schema, missingFeatures(first.model.preprocessor.schema, schema), source,
      `No model here fits ${schema.name} input (${models}). Train one on this kind of input: \`npm run train -- --data <normal traffic> --out models/mine\`, then detect with \`--model models/mine\`.`,
    );
  }
}
