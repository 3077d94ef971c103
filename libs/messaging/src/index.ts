export * from './cloud-event';
export * from './relay';
export * from './relay.service';
export * from './record-builder';
